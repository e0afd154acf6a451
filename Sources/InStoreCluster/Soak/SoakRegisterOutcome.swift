/// An outcome the register itself learnt for a receipt: a RESULT frame, a STATUS reply it asked
/// for after a restart or a silence, or the RESULT repeated for a SALE sent again.
public struct SoakRegisterOutcome: Sendable, Equatable {
    /// `approved`, `declined`, `expired`, `cancelled` or `error`.
    public var status: String
    public var orderID: String?
    public var approvalCode: String?
    /// `RESULT` or `STATUS`.
    public var via: String

    public init(status: String, orderID: String?, approvalCode: String?, via: String) {
        self.status = status
        self.orderID = orderID
        self.approvalCode = approvalCode
        self.via = via
    }
}
