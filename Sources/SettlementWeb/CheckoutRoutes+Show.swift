import Foundation
import Hummingbird
import PairPayCore
import SettlementHTTP

extension CheckoutRoutes {
    /// `GET /p/{merchant}/{order}?…`: the order and its forms; once paid, the payer is sent to the
    /// result (the back button never shows the form again) and anybody else is told it is closed.
    func show(_ request: Request, _ context: SettlementRequestContext) async -> Response {
        let checkout = CheckoutRequest(request, context)
        var cookies: [String] = []
        if let language = checkout.query["lang"], CheckoutLocale(rawValue: language) != nil {
            cookies.append(CheckoutResponse.cookie("pp_lang", language, maxAge: 365 * 86_400))
        }
        let browser = checkout.browser ?? FormTokens.browserID()
        if checkout.browser == nil {
            cookies.append(CheckoutResponse.cookie("pp_b", browser, maxAge: 86_400))
        }
        var answer = await orderPage(checkout, browser: browser)
        answer.cookies += cookies
        return answer.response
    }

    func orderPage(
        _ checkout: CheckoutRequest, browser: String, error: String? = nil, status: HTTPResponse.Status = .ok
    )
        async -> CheckoutResponse
    {
        // The switch of the order page, also when a POST (a wrong password) shows it again.
        let page = CheckoutPage(locale: checkout.locale, switchLink: checkout.orderSwitchLink)
        let text = page.text
        let claim: PaymentPayload
        do { claim = try checkout.claim() } catch {
            return CheckoutResponse(
                status: .badRequest, html: page.message(text.errorTitle, text.unknownOrder))
        }
        let order: CheckoutOrder?
        do {
            order = try await backend.checkoutOrder(merchantID: claim.merchantID, orderID: claim.orderID)
        } catch {
            logger.error("checkout page: the order could not be read: \(type(of: error))")
            return CheckoutResponse(
                status: .serviceUnavailable, html: page.message(text.errorTitle, text.busy), retryAfter: 5)
        }
        guard let order else {
            return CheckoutResponse(status: .notFound, html: page.message(text.errorTitle, text.unknownOrder))
        }
        let ticketFields = checkout.formFields(browser)
        switch order.stage {
        case .final, .authorizing:
            // The payer (holding this order's ticket) sees the progress or the result; others learn
            // only that it is closed.
            if let ticket = checkout.cookies["pp_t"], tokens.verify(ticket, .ticket, ticketFields, at: now())
            {
                return .redirect(statusPath(checkout, ticket: ticket))
            }
            guard case .final(let signed) = order.stage else {
                return CheckoutResponse(status: .gone, html: page.message(text.errorTitle, text.alreadyPaid))
            }
            return CheckoutResponse(
                status: .gone, html: page.message(text.errorTitle, text.closed(signed.result)))
        case .open, .waitingForStore:
            break
        }
        if claim.expiresAt <= Int64(now().timeIntervalSince1970) || order.expiresAt <= now() {
            return CheckoutResponse(status: .gone, html: page.message(text.errorTitle, text.expiredOrder))
        }
        let csrf = tokens.issue(.form, ticketFields, at: now())
        return CheckoutResponse(
            status: status,
            html: page.order(
                claim: claim, contents: order.contents, actionQuery: checkout.claimQuery, csrf: csrf,
                error: error))
    }

    func statusPath(_ checkout: CheckoutRequest, ticket: String) -> String {
        "/p/\(checkout.merchantID)/\(checkout.orderID)/status?\(checkout.claimQuery)&ticket=\(ticket)"
    }
}
