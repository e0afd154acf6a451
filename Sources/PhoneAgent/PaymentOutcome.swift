import PairPayCore

/// The server's verified final word on the payment: its signature checked with the server's key,
/// merchant and order checked against the payment code, and for an approval also the amount.
public struct PaymentOutcome: Hashable, Sendable, CustomStringConvertible {
    /// The signed result as the server sent it (to relay to the store).
    public let signedResult: SignedSettlementResult
    /// How many requests it took (more than 1 when the store's request came late).
    public let attempts: Int

    /// Wraps an already verified result.
    public init(signedResult: SignedSettlementResult, attempts: Int) {
        self.signedResult = signedResult
        self.attempts = attempts
    }

    /// The result.
    public var result: SettlementResult { signedResult.result }

    /// `approved`, `declined`, `expired` or `cancelled`.
    public var status: SettlementStatus { result.status }

    /// Whether the money is held for the store: the store may hand over the goods.
    public var isApproved: Bool { result.status == .approved }

    /// `result approved (approved) approval 123456 card ****1111`; `result declined (mismatch)`.
    public var resultLine: String {
        var line = "result \(result.status.rawValue) (\(result.reason.rawValue))"
        if let approval = result.approvalCode { line += " approval \(approval)" }
        if let last4 = result.cardLast4 { line += " card ****\(last4)" }
        return line
    }

    public var description: String { resultLine }

    /// `PAIRPAY-RESULT1:…`: the signed result for the register's RELAY frame or the store's
    /// relay endpoint.
    /// - Throws: ``PhoneAgentError/relayTextUnavailable(_:)`` if it does not fit 2048 characters.
    public func relayText() throws(PhoneAgentError) -> String {
        do {
            return try signedResult.relayText()
        } catch {
            throw .relayTextUnavailable(error)
        }
    }
}
