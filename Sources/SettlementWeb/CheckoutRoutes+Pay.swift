import Foundation
import Hummingbird
import PairPayCore
import SettlementHTTP

extension CheckoutRoutes {
    /// The largest form body a checkout page sends.
    static let formLimit = 8 * 1024

    /// `POST /p/{merchant}/{order}/pay`: the second request, from the card form (guest) or the
    /// signed-in user's choice of vaulted card. Starts the payment once, however often the button is
    /// pressed, and sends the browser to the progress page (Post/Redirect/Get).
    func pay(_ request: Request, _ context: SettlementRequestContext) async -> Response {
        await admit(.pay, request, context) { post in await pay(post) }
    }

    func pay(_ post: AdmittedPost) async -> Response {
        let (checkout, page, browser, form, claim) = (
            post.checkout, post.page, post.browser, post.form, post.claim
        )
        let text = page.text
        let payer: String
        let instrument: PaymentInstrument
        if let reference = form["vault"] {
            guard let session = form["session"], let user = verifySession(session, checkout, browser) else {
                return CheckoutResponse(
                    status: .forbidden,
                    html: page.message(
                        text.errorTitle, text.formExpired, link: (checkout.orderPath, text.backToOrder))
                ).response
            }
            payer = user
            instrument = .vaultReference(reference)
        } else {
            do {
                instrument = .card(try Self.card(form))
            } catch {
                // The sentence names the field, never its value.
                return await orderPage(
                    checkout, browser: browser, error: "\(text.invalidCard): \(error.description)",
                    status: .badRequest
                ).response
            }
            payer = Self.guestPayer
        }
        let second: SecondSettlementRequest
        do { second = SecondSettlementRequest(claim: try claim.claim(), payment: instrument) } catch {
            return CheckoutResponse(
                status: .badRequest, html: page.message(text.errorTitle, text.unknownOrder)
            )
            .response
        }
        let key = checkout.formFields(browser).joined(separator: "\n")
        if await tracker.begin(key, at: now()) {
            // Its own task: the payment goes on whatever the browser does meanwhile.
            Task.detached { [backend, tracker, logger, now] in
                do {
                    _ = try await backend.pay(second, payer: payer)
                    await tracker.end(key, .finished, at: now())
                } catch let error as any APIErrorConvertible {
                    let api = error.apiError
                    await tracker.end(
                        key, .refused(status: Int(api.status.code), code: api.code, message: api.message),
                        at: now())
                } catch {
                    logger.error("checkout payment failed: \(type(of: error))")
                    await tracker.end(key, .refused(status: 500, code: "internal", message: ""), at: now())
                }
            }
        }
        let ticket = tokens.issue(.ticket, checkout.formFields(browser), at: now())
        return CheckoutResponse.redirect(
            statusPath(checkout, ticket: ticket),
            cookies: [
                CheckoutResponse.cookie(
                    "pp_t", ticket, path: "/p/\(checkout.merchantID)/\(checkout.orderID)", maxAge: 3600)
            ]
        ).response
    }

    /// The card of the guest form: the number with spaces or dashes, the expiry as `MM/YY` or
    /// `MMYY`, the security code if given.
    static func card(_ form: FormBody) throws(CardDataError) -> CardData {
        let pan = (form["pan"] ?? "").filter { $0 != " " && $0 != "-" }
        let typed = (form["expiry"] ?? "").filter { $0 != "/" && $0 != " " }
        // MMYY as typed; the card's YYMM.
        let expiry = typed.count == 4 ? String(typed.suffix(2) + typed.prefix(2)) : typed
        let cvc = form["cvc"].flatMap { $0.isEmpty ? nil : $0 }
        return CardData(
            primaryAccountNumber: try PrimaryAccountNumber(pan), expiry: try CardExpiry(yymm: expiry),
            securityCode: try cvc.map { code throws(CardDataError) in try CardSecurityCode(code) })
    }

    /// The urlencoded body of a form, at most ``formLimit`` bytes.
    static func form(_ request: Request) async -> FormBody? {
        var request = request
        guard let buffer = try? await request.collectBody(upTo: formLimit) else { return nil }
        return FormBody(String(buffer: buffer))
    }

    func verifySession(_ session: String, _ checkout: CheckoutRequest, _ browser: String) -> String? {
        let parts = session.split(separator: "~", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        let user = FormBody.decode(String(parts[1]))
        return tokens.verify(String(parts[0]), .session, checkout.formFields(browser) + [user], at: now())
            ? user : nil
    }

    func issueSession(_ user: String, _ checkout: CheckoutRequest, _ browser: String) -> String {
        let escaped = user.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? user
        return tokens.issue(.session, checkout.formFields(browser) + [user], at: now()) + "~" + escaped
    }
}
