import Foundation
import PairPayCore

/// The checkout pages as HTML, in one language. Pure: the routes decide, these only draw. Every
/// value is escaped; no page has a script, an inline style or an external resource but the
/// stylesheet.
struct CheckoutPage: Sendable {
    let locale: CheckoutLocale
    /// The page's own path and query with `lang` set to the other language (the switch).
    let switchLink: String?

    var text: CheckoutStrings { locale.strings }

    func document(_ title: String, _ body: String, refreshSeconds: Int? = nil) -> String {
        HTML.page(
            language: locale, title: title + " — PairPay", body: body, refreshSeconds: refreshSeconds,
            switchLanguage: switchLink)
    }

    /// Fig. 5: the order as the phone received it, the store's items, and the two ways to pay.
    func order(
        claim: PaymentPayload, contents: OrderContents?, actionQuery: String, csrf: String,
        error: String? = nil
    ) -> String {
        let e = HTML.escape
        let base = "/p/\(claim.merchantID)/\(claim.orderID)"
        var body = "<h1>\(e(text.checkoutTitle))</h1>\n"
        if let error { body += #"<p class="error" role="alert">\#(e(error))</p>"# + "\n" }
        body += summary(
            merchant: claim.merchantID, order: claim.orderID, total: claim.total, expiresAt: claim.expiresAt)
        if let contents { body += items(contents) }
        body += """
            <section class="pay">
            <h2>\(e(text.payByCard))</h2>
            <form method="post" action="\(e(base))/pay?\(e(actionQuery))" autocomplete="on">
            <input type="hidden" name="csrf" value="\(e(csrf))">
            <label for="pan">\(e(text.cardNumber))</label>
            <input id="pan" name="pan" type="text" inputmode="numeric" autocomplete="cc-number" required minlength="12" maxlength="23" pattern="[0-9 \\-]{12,23}">
            <div class="row">
            <div><label for="expiry">\(e(text.expiry))</label>
            <input id="expiry" name="expiry" type="text" inputmode="numeric" autocomplete="cc-exp" placeholder="\(e(text.expiryHint))" required maxlength="5" pattern="[0-9]{2}/?[0-9]{2}"></div>
            <div><label for="cvc">\(e(text.securityCode))</label>
            <input id="cvc" name="cvc" type="text" inputmode="numeric" autocomplete="cc-csc" maxlength="4" pattern="[0-9]{3,4}"></div>
            </div>
            <button type="submit" id="pay">\(e(text.pay)) \(e(MoneyText.format(claim.total)))</button>
            </form>
            </section>
            <section class="sign-in">
            <h2>\(e(text.orSignIn))</h2>
            <form method="post" action="\(e(base))/sign-in?\(e(actionQuery))">
            <input type="hidden" name="csrf" value="\(e(csrf))">
            <label for="user">\(e(text.userID))</label>
            <input id="user" name="user" type="text" autocomplete="username" autocapitalize="none" required maxlength="64">
            <label for="password">\(e(text.password))</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="256">
            <button type="submit" id="sign-in" class="secondary">\(e(text.signIn))</button>
            </form>
            </section>

            """
        return document(text.checkoutTitle, body)
    }

    /// Claim 15: the signed-in user's vaulted cards.
    func chooseCard(
        claim: PaymentPayload, user: String, cards: [VaultedCardChoice], actionQuery: String, csrf: String,
        session: String
    ) -> String {
        let e = HTML.escape
        let base = "/p/\(claim.merchantID)/\(claim.orderID)"
        var body = "<h1>\(e(text.chooseCard))</h1>\n"
        body += #"<p class="who">\#(e(text.signedInAs)) <strong>\#(e(user))</strong></p>"# + "\n"
        body += summary(
            merchant: claim.merchantID, order: claim.orderID, total: claim.total, expiresAt: claim.expiresAt)
        if cards.isEmpty {
            body += "<p>\(e(text.noVaultedCards))</p>\n"
            body +=
                #"<p><a class="button secondary" href="\#(e(base))?\#(e(actionQuery))">\#(e(text.backToOrder))</a></p>"#
        } else {
            body += """
                <form method="post" action="\(e(base))/pay?\(e(actionQuery))">
                <input type="hidden" name="csrf" value="\(e(csrf))">
                <input type="hidden" name="session" value="\(e(session))">
                <fieldset><legend>\(e(text.chooseCard))</legend>

                """
            for (index, card) in cards.enumerated() {
                body += """
                    <label class="choice"><input type="radio" name="vault" value="\(e(card.reference))"\(index == 0 ? " checked" : "")> \(e(text.cardEnding)) \(e(card.last4))</label>

                    """
            }
            body += """
                </fieldset>
                <button type="submit" id="pay">\(e(text.pay)) \(e(MoneyText.format(claim.total)))</button>
                </form>

                """
        }
        return document(text.chooseCard, body)
    }

    /// While the bank is asked: the page refreshes itself every second (no script needed).
    func progress(merchant: String, order: String, total: Money) -> String {
        let e = HTML.escape
        let body = """
            <h1>\(e(text.progressTitle))</h1>
            <p class="progress" role="status">\(e(text.progressText))</p>
            \(summary(merchant: merchant, order: order, total: total, expiresAt: nil))
            """
        return document(text.progressTitle, body, refreshSeconds: 1)
    }

    /// Fig. 6: the signed result, its QR code for the register's scanner, and the relay form.
    func result(
        _ signed: SignedSettlementResult, relayText: String?, qrSVG: String?, relayURL: String?
    ) -> String {
        let e = HTML.escape
        let result = signed.result
        let paid = result.status == .approved
        var body = """
            <h1 class="\(paid ? "approved" : "not-paid")">\(e(paid ? text.approved : text.notPaid))</h1>
            <p class="reason">\(e(text.reason(result.reason)))</p>
            <dl class="summary">
            <dt>\(e(text.merchant))</dt><dd>\(e(result.merchantID))</dd>
            <dt>\(e(text.order))</dt><dd>\(e(result.orderID))</dd>

            """
        // A result that moved no money may carry no amount (a mismatch names none): show none then.
        if result.total.minorUnits > 0 {
            body += "<dt>\(e(text.total))</dt><dd class=\"total\">\(e(MoneyText.format(result.total)))</dd>\n"
        }
        if let code = result.approvalCode {
            body += "<dt>\(e(text.approvalCode))</dt><dd id=\"approval-code\">\(e(code))</dd>\n"
        }
        if let last4 = result.cardLast4 {
            body += "<dt>\(e(text.card))</dt><dd id=\"card-last4\">•••• \(e(last4))</dd>\n"
        }
        body += "<dt>\(e(text.time))</dt><dd>\(e(Self.time(result.decidedAt)))</dd>\n</dl>\n"
        if let relayText {
            body += "<section class=\"relay\">\n<p>\(e(text.showToRegister))</p>\n"
            if let qrSVG { body += #"<div class="qr">\#(qrSVG)</div>"# + "\n" }
            if let relayURL {
                body += """
                    <form method="post" action="\(e(relayURL))">
                    <input type="hidden" name="relay" value="\(e(relayText))">
                    <button type="submit" id="send-to-store" class="secondary">\(e(text.sendToStore))</button>
                    </form>

                    """
            }
            body += """
                <details><summary>\(e(text.signedResult))</summary><p class="relay-text" id="relay-text">\(e(relayText))</p></details>
                </section>

                """
        }
        return document(text.resultTitle, body)
    }

    /// A page that says why nothing can be paid here, with a way back where one helps.
    func message(_ title: String, _ sentence: String, link: (href: String, label: String)? = nil) -> String {
        let e = HTML.escape
        var body = "<h1>\(e(title))</h1>\n<p class=\"error\" role=\"alert\">\(e(sentence))</p>\n"
        if let link {
            body +=
                #"<p><a class="button secondary" href="\#(e(link.href))">\#(e(link.label))</a></p>"# + "\n"
        }
        return document(title, body)
    }

    func summary(merchant: String, order: String, total: Money, expiresAt: Int64?) -> String {
        let e = HTML.escape
        var out = """
            <dl class="summary">
            <dt>\(e(text.merchant))</dt><dd id="merchant">\(e(merchant))</dd>
            <dt>\(e(text.order))</dt><dd id="order">\(e(order))</dd>
            <dt>\(e(text.total))</dt><dd class="total" id="total">\(e(MoneyText.format(total)))</dd>

            """
        if let expiresAt { out += "<dt>\(e(text.expiresAt))</dt><dd>\(e(Self.time(expiresAt)))</dd>\n" }
        return out + "</dl>\n"
    }

    func items(_ contents: OrderContents) -> String {
        let e = HTML.escape
        var out = """
            <table class="items">
            <caption>\(e(text.items)) <small>\(e(text.itemsNote))</small></caption>
            <thead><tr><th scope="col">\(e(text.item))</th><th scope="col">\(e(text.unitPrice))</th><th scope="col">\(e(text.quantity))</th></tr></thead>
            <tbody>

            """
        for item in contents.lineItems {
            let price = Money(minorUnits: item.unitPrice, currency: contents.currency)
            out += """
                <tr><td>\(e(item.name))<br><small>\(e(text.itemCode)) \(e(item.code))</small></td><td>\(e(MoneyText.format(price)))</td><td>\(item.quantity)</td></tr>

                """
        }
        return out + "</tbody>\n</table>\n"
    }

    /// A time for people: `2026-12-01 16:05:09 UTC`.
    static func time(_ seconds: Int64) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents(
            [.year, .month, .day, .hour, .minute, .second],
            from: Date(timeIntervalSince1970: TimeInterval(seconds)))
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return "\(parts.year ?? 0)-\(two(parts.month))-\(two(parts.day)) "
            + "\(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)) UTC"
    }
}
