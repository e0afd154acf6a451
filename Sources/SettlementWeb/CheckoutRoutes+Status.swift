import Foundation
import Hummingbird
import PairPayCore
import PairPayQR
import SettlementHTTP

extension CheckoutRoutes {
    /// `GET /p/{merchant}/{order}/status?…&ticket=…`: the payer's progress page (refreshing every
    /// second while the bank is asked), then Fig. 6's result page, or the page of a refusal.
    func status(_ request: Request, _ context: SettlementRequestContext) async -> Response {
        let checkout = CheckoutRequest(request, context)
        let page = CheckoutPage(locale: checkout.locale, switchLink: checkout.switchLink)
        let text = page.text
        guard let browser = checkout.browser, let ticket = checkout.query["ticket"],
            tokens.verify(ticket, .ticket, checkout.formFields(browser), at: now())
        else {
            return CheckoutResponse.redirect(checkout.orderPath).response
        }
        let claim: PaymentPayload
        do { claim = try checkout.claim() } catch {
            return CheckoutResponse(
                status: .badRequest, html: page.message(text.errorTitle, text.unknownOrder)
            )
            .response
        }
        let key = checkout.formFields(browser).joined(separator: "\n")
        if case .refused(let status, let code, let message)? = await tracker.state(key) {
            return CheckoutResponse(
                status: HTTPResponse.Status(code: status),
                html: page.message(
                    text.errorTitle, Self.sentence(code: code, message: message, text),
                    link: code == "invalid-request" ? (checkout.orderPath, text.backToOrder) : nil)
            ).response
        }
        func progress() -> Response {
            CheckoutResponse(
                status: .ok,
                html: page.progress(merchant: claim.merchantID, order: claim.orderID, total: claim.total)
            ).response
        }
        let order: CheckoutOrder?
        do {
            order = try await backend.checkoutOrder(merchantID: claim.merchantID, orderID: claim.orderID)
        } catch {
            return progress()
        }
        guard let order else {
            return CheckoutResponse(status: .notFound, html: page.message(text.errorTitle, text.unknownOrder))
                .response
        }
        let state = await tracker.state(key)
        let signed: SignedSettlementResult
        switch order.stage {
        case .final(let result) where state == .finished:
            signed = result
        case .final(let result):
            // Only the browser that paid (this process ran its payment to the end) sees the result:
            // a ticket alone is had by posting any card for the order. A payment of this browser's
            // about to record that it ended gets a moment more of progress.
            if state == .running { return progress() }
            return CheckoutResponse(
                status: .gone, html: page.message(text.errorTitle, text.closed(result.result))
            )
            .response
        case .open where state == nil:
            // Nothing of this browser's is under way (this process restarted): back to the order.
            return CheckoutResponse.redirect(checkout.orderPath).response
        case .open, .waitingForStore, .authorizing:
            return progress()
        }
        let relayText = try? signed.relayText()
        let svg = relayText.flatMap { text in
            try? QRCode(text: text, errorCorrection: .low).svg(
                moduleSize: 4, quietZone: 4, title: page.text.showToRegister)
        }
        let relayURL = claim.relayURL
        return CheckoutResponse(
            status: .ok, html: page.result(signed, relayText: relayText, qrSVG: svg, relayURL: relayURL),
            formTargets: relayURL.flatMap(Self.origin).map { [$0] } ?? []
        ).response
    }

    /// The page's sentence for a refused payment.
    static func sentence(code: String, message: String, _ text: CheckoutStrings) -> String {
        switch code {
        case "expired": return text.expiredOrder
        case "not-found": return text.unknownOrder
        case "conflict": return text.alreadyPaid
        case "invalid-request": return message.isEmpty ? text.unknownOrder : message
        case "busy": return text.busy
        default: return text.bankUnreachable
        }
    }

    /// `scheme://host[:port]` of a URL, for the page's form-action policy.
    static func origin(_ url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme,
            let host = components.host
        else { return nil }
        return "\(scheme)://\(host)" + (components.port.map { ":\($0)" } ?? "")
    }
}
