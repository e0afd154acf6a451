/// How registerd writes the PAYMENT REQUEST's phone payload (`payload-format`,
/// docs/PAYMENT-PAYLOAD.md).
public enum PhonePayloadFormat: String, Sendable, CaseIterable {
    /// `https://SERVER/p/MERCHANT/ORDER?…`: a link any phone camera opens on settlementd's payment
    /// page; payagent reads it too. The default.
    case checkoutURL = "url"
    /// `PAIRPAY1:<base64url JSON>`, with the line items when they fit: for PairPay's own apps.
    case pairpay1
}
