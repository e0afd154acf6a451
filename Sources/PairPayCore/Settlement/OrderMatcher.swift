/// The matching rules: does the phone's claim describe the store's order?
///
/// Compared: merchant, order id, currency, total and, when the phone sent contents, the number of
/// line items and every item's code, quantity and unit price; when the phone sent a digest, the
/// digest of the store's canonical contents. A mismatch lists field names only, never either
/// party's values, so the answer leaks nothing of the other side's order.
public enum OrderMatcher {
    /// Compares the store's contents with the phone's claim.
    public static func match(store: OrderContents, phone: OrderClaim) -> OrderMatch {
        var fields: [String] = []
        if store.merchantID != phone.merchantID { fields.append("merchantId") }
        if store.orderID != phone.orderID { fields.append("orderId") }
        if store.currency != phone.currency { fields.append("currency") }
        if store.total.minorUnits != phone.total.minorUnits { fields.append("total") }
        if let contents = phone.contents {
            if contents.lineItems.count != store.lineItems.count {
                fields.append("lineItems")
            } else {
                for (index, (mine, theirs)) in zip(store.lineItems, contents.lineItems).enumerated() {
                    if mine.code != theirs.code { fields.append("lineItems[\(index)].code") }
                    if mine.quantity != theirs.quantity { fields.append("lineItems[\(index)].quantity") }
                    if mine.unitPrice != theirs.unitPrice { fields.append("lineItems[\(index)].unitPrice") }
                }
            }
        }
        if let digest = phone.contentsDigest, digest != store.contentsDigest {
            fields.append("contentsDigest")
        }
        return fields.isEmpty ? .match : .mismatch(fields: fields)
    }
}

/// The outcome of ``OrderMatcher/match(store:phone:)``.
public enum OrderMatch: Hashable, Sendable {
    /// Both sides describe the same order: it may be authorized.
    case match
    /// The sides differ in these fields (names only, in a fixed order).
    case mismatch(fields: [String])
}
