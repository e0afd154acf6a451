extension SettlementResult {
    /// The domain-separation tag that starts the canonical encoding of a result without receipt
    /// data.
    public static let canonicalTag = "PAIRPAY-RESULT-V1"
    /// The tag of a result with receipt data: the V1 fields, then the receipt's.
    public static let canonicalTagWithReceipt = "PAIRPAY-RESULT-V2"

    /// The bytes the server signs (`docs/CANONICAL-ORDER.md` §4).
    public var canonicalBytes: [UInt8] {
        var writer = CanonicalWriter()
        writer.string(receipt == nil ? Self.canonicalTag : Self.canonicalTagWithReceipt)
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
        if let receipt {
            writer.string(receipt.rrn)
            writer.string(receipt.stan)
            writer.string(receipt.terminalId)
            writer.string(receipt.cardBrand.rawValue)
        }
        return writer.bytes
    }
}
