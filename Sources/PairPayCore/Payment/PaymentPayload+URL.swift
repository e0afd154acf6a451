#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension PaymentPayload {
    /// The path of a checkout URL, before the merchant id: `https://HOST[:PORT]/p/MERCHANT/ORDER?…`.
    public static let checkoutPath = "/p/"

    /// The checkout URL: the payment request as an `https` link to the settlement server's payment
    /// page, short enough for a small QR code (docs/PAYMENT-PAYLOAD.md):
    ///
    /// `SERVER/p/MERCHANT/ORDER?t=TOTAL&c=CURRENCY&d=DIGEST&e=EXPIRES[&r=RELAY]`
    ///
    /// `DIGEST` is the contents digest's 32 bytes in base64url without padding (43 characters),
    /// `RELAY` the relay URL percent-encoded. Line items are not carried: the page shows the
    /// store's items and the phone pays by digest. Ids need no encoding (they are unreserved).
    public var checkoutURL: String {
        let digest = Base64URL.encode(Hex.decode(contentsDigest) ?? [])
        var url =
            Self.trimmedServer(serverURL) + Self.checkoutPath + merchantID + "/" + orderID
            + "?t=\(total.minorUnits)&c=\(total.currency.code)&d=\(digest)&e=\(expiresAt)"
        if let relayURL { url += "&r=" + Self.percentEncoded(relayURL) }
        return url
    }

    /// Reads a checkout URL.
    /// - Throws: ``PaymentPayloadError`` naming what is wrong with it.
    public init(checkoutURL text: String) throws(PaymentPayloadError) {
        guard text.utf8.count <= Self.maximumLength else { throw .tooLong(text.utf8.count) }
        guard text.utf8.allSatisfy({ (0x21...0x7E).contains($0) }),
            let components = URLComponents(string: text),
            components.scheme == "https", let host = components.host, !host.isEmpty,
            components.user == nil, components.fragment == nil
        else {
            throw .notAPaymentPayload("a checkout link is an https:// URL of the settlement server")
        }
        let segments = components.percentEncodedPath.split(separator: "/", omittingEmptySubsequences: false)
        guard segments.count == 4, segments[0].isEmpty, "/" + segments[1] + "/" == Self.checkoutPath else {
            throw .notAPaymentPayload("a checkout link's path is /p/MERCHANT/ORDER")
        }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] {
            guard query[item.name] == nil else { throw .invalidField(item.name, "appears twice in the link") }
            query[item.name] = item.value ?? ""
        }
        func required(_ name: String, _ field: String) throws(PaymentPayloadError) -> String {
            guard let value = query[name], !value.isEmpty else {
                throw .invalidField(field, "is required (\(name)=)")
            }
            return value
        }
        guard let total = Int64(try required("t", "total")) else {
            throw .invalidField("total", "must be a whole number of minor units")
        }
        let code = try required("c", "currency")
        let currency: Currency
        do { currency = try Currency(code: code) } catch { throw .invalidContents(.unknownCurrency(code)) }
        guard let digest = Base64URL.decode(try required("d", "contentsDigest")), digest.count == 32 else {
            throw .invalidField("contentsDigest", "must be 32 bytes in base64url (d=)")
        }
        guard let expiresAt = Int64(try required("e", "expiresAt")) else {
            throw .invalidField("expiresAt", "must be a time in unix seconds")
        }
        var server = "https://" + host
        if let port = components.port { server += ":\(port)" }
        try self.init(
            serverURL: server, merchantID: String(segments[2]), orderID: String(segments[3]),
            total: Money(minorUnits: total, currency: currency), contentsDigest: Hex.encode(digest),
            expiresAt: expiresAt, relayURL: query["r"])
    }

    /// `serverURL` without a trailing slash.
    static func trimmedServer(_ url: String) -> String {
        url.hasSuffix("/") ? String(url.dropLast()) : url
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters.
    static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            if OrderText.isUnreserved(byte) {
                out.unicodeScalars.append(UnicodeScalar(byte))
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
