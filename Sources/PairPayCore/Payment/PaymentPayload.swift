#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The payment request as the customer's phone receives it: the text registerd puts in the
/// PAYMENT REQUEST's PHONE PAYLOAD, which the register shows as a QR code or pushes over NFC.
///
/// Text form: `PAIRPAY1:` followed by the base64url (no padding) of a JSON object with sorted keys:
/// `{"v":1,"server","merchantId","orderId","currency","total","contentsDigest","expiresAt",
/// "relay"?,"lineItems"?}`. At most 1024 ASCII characters (the PHONE PAYLOAD field's limit): when
/// the line items do not fit they are left out and the phone pays by `contentsDigest`.
///
/// The payload is not secret and not signed: a forged or altered one can only make the server
/// see a mismatch (declined, no bank call) or ask the customer to pay a different order, which
/// the phone shows for confirmation. See docs/PAYMENT-PAYLOAD.md.
public struct PaymentPayload: Hashable, Sendable {
    /// The prefix of the text form; the `1` is the format version.
    public static let prefix = "PAIRPAY1:"
    /// The longest text form (the PHONE PAYLOAD field of hw/PROTOCOL.md).
    public static let maximumLength = 1024

    /// The settlement server's base URL, `https://host[:port]`, that the phone sends the second
    /// request to (a phone configured for one server refuses a payload naming another).
    public let serverURL: String
    /// The merchant the order belongs to.
    public let merchantID: String
    /// The store's order id.
    public let orderID: String
    /// The amount to pay.
    public let total: Money
    /// Lowercase hex SHA-256 of the order's canonical bytes (docs/CANONICAL-ORDER.md).
    public let contentsDigest: String
    /// When the server stops accepting payment, in unix seconds.
    public let expiresAt: Int64
    /// Where the phone may post the signed result for the store (result path 1), if the store
    /// takes relayed results over the network: an `http://` or `https://` URL.
    public let relayURL: String?
    /// The basket, when it fits the payload; checked against ``total`` and ``contentsDigest``.
    public let lineItems: [OrderLineItem]?

    /// Checks and creates a payload.
    /// - Throws: ``PaymentPayloadError`` naming the field that is wrong.
    public init(
        serverURL: String, merchantID: String, orderID: String, total: Money, contentsDigest: String,
        expiresAt: Int64, relayURL: String? = nil, lineItems: [OrderLineItem]? = nil
    ) throws(PaymentPayloadError) {
        self.serverURL = serverURL
        self.merchantID = merchantID
        self.orderID = orderID
        self.total = total
        self.contentsDigest = contentsDigest
        self.expiresAt = expiresAt
        self.relayURL = relayURL
        self.lineItems = lineItems
        guard Self.isURL(serverURL, schemes: ["https"]) else {
            throw .invalidField("server", "must be an https:// URL without spaces, at most 256 characters")
        }
        if let relayURL, !Self.isURL(relayURL, schemes: ["http", "https"]) {
            throw .invalidField(
                "relay", "must be an http:// or https:// URL without spaces, at most 256 characters")
        }
        guard OrderText.isIdentifier(merchantID, maxBytes: 32) else {
            throw .invalidField("merchantId", OrderText.identifierRule(maxBytes: 32))
        }
        guard OrderText.isIdentifier(orderID, maxBytes: 64) else {
            throw .invalidField("orderId", OrderText.identifierRule(maxBytes: 64))
        }
        guard Money.isPayable(minorUnits: total.minorUnits) else {
            throw .invalidField("total", "must be " + Money.payableRangeDescription)
        }
        guard OrderText.isDigestHex(contentsDigest) else {
            throw .invalidField("contentsDigest", "must be 64 lowercase hex digits")
        }
        guard expiresAt > 0 else { throw .invalidField("expiresAt", "must be a time in unix seconds") }
        if lineItems != nil {
            let contents: OrderContents
            do {
                contents = try self.contentsFromItems()
            } catch {
                throw .invalidContents(error)
            }
            guard contents.total == total else {
                throw .invalidField(
                    "lineItems", "add up to \(contents.total.minorUnits), not the payload's total")
            }
            guard contents.contentsDigest == contentsDigest else {
                throw .invalidField("contentsDigest", "is not the digest of the payload's line items")
            }
        }
    }

    /// The payload of `contents`, with its line items, total and digest.
    /// - Throws: ``PaymentPayloadError`` when a URL or the expiry is not valid.
    public init(
        contents: OrderContents, serverURL: String, expiresAt: Int64, relayURL: String? = nil
    ) throws(PaymentPayloadError) {
        try self.init(
            serverURL: serverURL, merchantID: contents.merchantID, orderID: contents.orderID,
            total: contents.total, contentsDigest: contents.contentsDigest, expiresAt: expiresAt,
            relayURL: relayURL, lineItems: contents.lineItems)
    }

    /// The order contents, when the payload carries the line items.
    public var contents: OrderContents? {
        guard lineItems != nil else { return nil }
        return try? contentsFromItems()
    }

    /// What the phone claims in its second request: the contents when it has them, and the digest.
    public func claim() throws(OrderValidationError) -> OrderClaim {
        try OrderClaim(
            merchantID: merchantID, orderID: orderID, total: total, contents: contents,
            contentsDigest: contentsDigest)
    }

    /// The same payload without its line items (the phone then pays by digest).
    public func withoutLineItems() -> PaymentPayload {
        // Every field was checked already; dropping the items cannot make it invalid.
        (try? PaymentPayload(
            serverURL: serverURL, merchantID: merchantID, orderID: orderID, total: total,
            contentsDigest: contentsDigest, expiresAt: expiresAt, relayURL: relayURL)) ?? self
    }

    private func contentsFromItems() throws(OrderValidationError) -> OrderContents {
        try OrderContents(
            merchantID: merchantID, orderID: orderID, currency: total.currency, lineItems: lineItems ?? [])
    }

    static func isURL(_ text: String, schemes: Set<String>) -> Bool {
        guard text.utf8.count <= 256, text.utf8.allSatisfy({ (0x21...0x7E).contains($0) }),
            let components = URLComponents(string: text), let scheme = components.scheme,
            schemes.contains(scheme), let host = components.host, !host.isEmpty
        else { return false }
        return components.user == nil && components.password == nil
    }
}
