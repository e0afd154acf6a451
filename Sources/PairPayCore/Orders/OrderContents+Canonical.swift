import Crypto

extension OrderContents {
    /// The domain-separation tag that starts every canonical order encoding.
    public static let canonicalTag = "PAIRPAY-ORDER-V1"

    /// The canonical bytes of `docs/CANONICAL-ORDER.md` §2: length-prefixed, big-endian, so any
    /// language can reproduce them.
    public var canonicalBytes: [UInt8] {
        var writer = CanonicalWriter()
        writer.string(Self.canonicalTag)
        writer.string(merchantID)
        writer.string(orderID)
        writer.string(currency.code)
        writer.int64(total.minorUnits)
        writer.count(lineItems.count)
        for item in lineItems {
            writer.string(item.code)
            writer.string(item.name)
            writer.int64(item.unitPrice)
            writer.int64(item.quantity)
            writer.int64(item.tax)
        }
        return writer.bytes
    }

    /// Lowercase hex SHA-256 of ``canonicalBytes``: what a phone may send instead of the contents.
    public var contentsDigest: String {
        Hex.encode(Array(SHA256.hash(data: canonicalBytes)))
    }
}
