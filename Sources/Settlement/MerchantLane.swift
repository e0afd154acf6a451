/// One register lane of a merchant: a registerd with its own ISO 8583 terminal id and its own push
/// endpoint. A merchant with no lanes enrolled is a single lane using the merchant's terminal id
/// and push endpoint; once it has lanes, every store request must name one of them.
public struct MerchantLane: Hashable, Sendable {
    /// The lane's id: registerd's terminal id (1–32 characters, letters, digits, `-_.`).
    public let laneID: String
    /// The terminal id sent to the acquirer for this lane's sales (ISO 8583 field 41, 1–8
    /// characters).
    public let terminalID: String
    /// Where this lane's results are pushed, if anywhere.
    public let pushURL: String?
    /// The secret that signs this lane's pushes.
    public let pushSecret: [UInt8]?

    public init(laneID: String, terminalID: String, pushURL: String?, pushSecret: [UInt8]?) {
        self.laneID = laneID
        self.terminalID = terminalID
        self.pushURL = pushURL
        self.pushSecret = pushSecret
    }
}
