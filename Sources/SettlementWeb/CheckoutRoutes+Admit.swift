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

/// Why a form post was not admitted, as the page that says so.
struct RefusedPost: Error {
    let response: Response
}

extension CheckoutRoutes {
    /// What every form post checks first, for sign-ins and payments alike.
    func admit(
        _ action: CheckoutLimits.Action, _ request: Request, _ context: SettlementRequestContext
    ) async -> Result<AdmittedPost, RefusedPost> {
        let checkout = CheckoutRequest(request, context)
        let page = CheckoutPage(locale: checkout.locale, switchLink: nil)
        let text = page.text
        if let wait = limits.take(action, client: checkout.client, at: now()) {
            return .failure(
                RefusedPost(
                    response: CheckoutResponse(
                        status: .tooManyRequests, html: page.message(text.errorTitle, text.tooMany),
                        retryAfter: wait
                    ).response))
        }
        guard let browser = checkout.browser, let form = await Self.form(request),
            let csrf = form["csrf"], tokens.verify(csrf, .form, checkout.formFields(browser), at: now())
        else {
            return .failure(
                RefusedPost(
                    response: CheckoutResponse(
                        status: .forbidden,
                        html: page.message(
                            text.errorTitle, text.formExpired, link: (checkout.orderPath, text.backToOrder))
                    ).response))
        }
        guard let claim = try? checkout.claim() else {
            return .failure(
                RefusedPost(
                    response: CheckoutResponse(
                        status: .badRequest, html: page.message(text.errorTitle, text.unknownOrder)
                    ).response))
        }
        return .success(
            AdmittedPost(checkout: checkout, page: page, browser: browser, form: form, claim: claim))
    }
}
