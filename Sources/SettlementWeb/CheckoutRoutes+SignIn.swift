import Foundation
import Hummingbird
import PairPayCore
import SettlementHTTP

extension CheckoutRoutes {
    /// `POST /p/{merchant}/{order}/sign-in`: claim 13's user id and password; then claim 15's
    /// choice of the user's vaulted cards.
    func signIn(_ request: Request, _ context: SettlementRequestContext) async -> Response {
        await admit(.signIn, request, context) { post in await signIn(post) }
    }

    func signIn(_ post: AdmittedPost) async -> Response {
        let (checkout, page, browser, form, claim) = (
            post.checkout, post.page, post.browser, post.form, post.claim
        )
        let text = page.text
        let user = form["user"] ?? ""
        let verdict: PasswordVerdict
        do {
            verdict = try await backend.checkPassword(userID: user, password: form["password"] ?? "")
        } catch {
            logger.error("checkout sign-in failed: \(type(of: error))")
            return CheckoutResponse(
                status: .serviceUnavailable, html: page.message(text.errorTitle, text.busy), retryAfter: 5
            ).response
        }
        switch verdict {
        case .accepted:
            break
        case .rejected:
            return await orderPage(
                checkout, browser: browser, error: text.wrongPassword, status: .unauthorized
            )
            .response
        case .locked:
            return CheckoutResponse(
                status: HTTPResponse.Status(code: 423, reasonPhrase: "Locked"),
                html: page.message(text.errorTitle, text.locked, link: (checkout.orderPath, text.backToOrder))
            ).response
        case .busy(let seconds):
            return CheckoutResponse(
                status: .serviceUnavailable,
                html: page.message(text.errorTitle, text.busy, link: (checkout.orderPath, text.tryAgain)),
                retryAfter: seconds
            ).response
        }
        let cards: [VaultedCardChoice]
        do { cards = try await backend.vaultedCards(userID: user) } catch {
            return CheckoutResponse(
                status: .serviceUnavailable, html: page.message(text.errorTitle, text.busy), retryAfter: 5
            ).response
        }
        return CheckoutResponse(
            status: .ok,
            html: page.chooseCard(
                claim: claim, user: user, cards: cards, actionQuery: checkout.claimQuery,
                csrf: tokens.issue(.form, checkout.formFields(browser), at: now()),
                session: issueSession(user, checkout, browser))
        ).response
    }
}
