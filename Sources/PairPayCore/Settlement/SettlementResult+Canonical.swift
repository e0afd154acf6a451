extension SettlementResult {
    /// The domain-separation tag that starts every canonical result encoding.
    public static let canonicalTag = "PAIRPAY-RESULT-V1"

    /// The bytes the server signs (`docs/CANONICAL-ORDER.md` §4).
    public var canonicalBytes: [UInt8] {
        var writer = CanonicalWriter()
        writer.string(Self.canonicalTag)
        writer.string(resultID)
        writer.string(merchantID)
        writer.string(orderID)
        writer.string(status.rawValue)
        writer.string(reason.rawValue)
        writer.string(currency.code)
        writer.int64(total.minorUnits)
        writer.optionalString(approvalCode)
        writer.optionalString(cardLast4)
        writer.int64(decidedAt)
        return writer.bytes
    }
}
