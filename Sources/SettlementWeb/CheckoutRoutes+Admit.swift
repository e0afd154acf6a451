import Foundation
import Hummingbird
import PairPayCore
import SettlementHTTP

/// A form post the checkout pages accept: within its client's rate limit, from a browser with its
/// cookie and this order's form token, for a readable checkout link.
struct AdmittedPost: Sendable {
    let checkout: CheckoutRequest
    let page: CheckoutPage
    let browser: String
    let form: FormBody
    let claim: PaymentPayload
}

extension CheckoutRoutes {
    /// What every form post checks first, for sign-ins and payments alike: `handle` runs only for a
    /// post that passes; any other gets the page that says why.
    func admit(
        _ action: CheckoutLimits.Action, _ request: Request, _ context: SettlementRequestContext,
        _ handle: (AdmittedPost) async -> Response
    ) async -> Response {
        let checkout = CheckoutRequest(request, context)
        let page = CheckoutPage(locale: checkout.locale, switchLink: nil)
        let text = page.text
        if let wait = limits.take(action, client: checkout.client, at: now()) {
            return CheckoutResponse(
                status: .tooManyRequests, html: page.message(text.errorTitle, text.tooMany),
                retryAfter: wait
            ).response
        }
        guard let browser = checkout.browser, let form = await Self.form(request),
            let csrf = form["csrf"], tokens.verify(csrf, .form, checkout.formFields(browser), at: now())
        else {
            return CheckoutResponse(
                status: .forbidden,
                html: page.message(
                    text.errorTitle, text.formExpired, link: (checkout.orderPath, text.backToOrder))
            ).response
        }
        guard let claim = try? checkout.claim() else {
            return CheckoutResponse(
                status: .badRequest, html: page.message(text.errorTitle, text.unknownOrder)
            ).response
        }
        return await handle(
            AdmittedPost(checkout: checkout, page: page, browser: browser, form: form, claim: claim))
    }
}
