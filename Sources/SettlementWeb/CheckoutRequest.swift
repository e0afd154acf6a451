import Foundation
import Hummingbird
import PairPayCore
import SettlementHTTP

/// What every checkout handler reads from its request: the ids in the path, the checkout link's
/// query (the phone's claim), the language, the browser's cookie id and the client's address.
struct CheckoutRequest: Sendable {
    let merchantID: String
    let orderID: String
    /// The query as sent, without `lang` and `ticket` (the claim's fields, kept for the forms).
    let claimQuery: String
    let query: FormBody
    let cookies: [String: String]
    let locale: CheckoutLocale
    /// The browser's id from its `pp_b` cookie; nil when it has none yet.
    let browser: String?
    let client: String
    let path: String

    init(_ request: Request, _ context: SettlementRequestContext) {
        merchantID = context.parameters.get("merchantId") ?? ""
        orderID = context.parameters.get("orderId") ?? ""
        let rawQuery = request.uri.query ?? ""
        query = FormBody(rawQuery)
        claimQuery = rawQuery.split(separator: "&").filter { part in
            !part.hasPrefix("lang=") && !part.hasPrefix("ticket=")
        }.joined(separator: "&")
        var cookies: [String: String] = [:]
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if parts.count == 2, cookies[String(parts[0])] == nil {
                    cookies[String(parts[0])] = String(parts[1])
                }
            }
        }
        self.cookies = cookies
        locale = CheckoutLocale.choose(
            query: query["lang"], cookie: cookies["pp_lang"], acceptLanguage: request.headers[.acceptLanguage]
        )
        let browser = cookies["pp_b"]
        self.browser = browser.flatMap { $0.utf8.count == 32 && Hex.decode($0) != nil ? $0 : nil }
        client = context.channel?.remoteAddress?.ipAddress ?? "unknown"
        path = request.uri.path
    }

    /// The phone's claim: the checkout link this page was opened with.
    func claim() throws(PaymentPayloadError) -> PaymentPayload {
        try PaymentPayload(
            checkoutURL: "https://checkout.invalid/p/\(merchantID)/\(orderID)?\(claimQuery)")
    }

    /// The order's page path with the claim's query.
    var orderPath: String { "/p/\(merchantID)/\(orderID)?\(claimQuery)" }

    /// This page with the other language, for the switch.
    var switchLink: String {
        "\(path)?\(claimQuery.isEmpty ? "" : claimQuery + "&")lang=\(locale.other.rawValue)"
            + (query["ticket"].map { "&ticket=" + $0 } ?? "")
    }

    /// The order page with the other language.
    var orderSwitchLink: String {
        "/p/\(merchantID)/\(orderID)?\(claimQuery.isEmpty ? "" : claimQuery + "&")lang=\(locale.other.rawValue)"
    }

    /// The fields a form token of this order is bound to.
    func formFields(_ browser: String) -> [String] { [browser, merchantID, orderID] }
}
