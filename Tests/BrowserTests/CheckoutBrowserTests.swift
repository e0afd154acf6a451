import Foundation
import InStoreCluster
import PairPayCore
import RegisterProtocol
import Testing

/// Issue 12: any phone pays, in a real browser (headless Chromium from Debian) against the real
/// settlementd, banksim and registerd. Each test leaves the screenshots of the pages it saw.
@Suite("payment page in a real browser", .serialized)
struct CheckoutBrowserTests {
    @Test func aGuestPaysByCardAndTheRegisterGetsApproved() async throws {
        try await Checkout.with { cluster, register, browser in
            let request = try await register.ringUp(SimulatedRegister.figure5Sale(receipt: "B-1"))
            // The QR code is a short https link any camera opens.
            #expect(request.phonePayload.hasPrefix(cluster.settlementURL + "/p/"))
            #expect(request.phonePayload.utf8.count <= 200, "\(request.phonePayload.utf8.count) characters")
            try await browser.open(request.phonePayload)
            #expect(try await browser.text("#total") == "JPY 1,155")
            #expect(try await browser.text("#order") == request.orderID)
            let page = try await browser.source()
            #expect(page.contains("Peanut butter") && page.contains("Grape jelly"))
            try await Checkout.screenshot(browser, "checkout-en")
            try await Checkout.payByCard(browser)
            try await browser.wait(for: "h1.approved")
            #expect(try await browser.text("#card-last4").hasSuffix("1111"))
            #expect(try await browser.has(".qr svg"))
            try await Checkout.screenshot(browser, "result-approved-en")
            let result = try await register.waitForResult()
            #expect(result.status == .approved && result.total == 1155 && result.cardLast4 == "1111")
            #expect(try await cluster.bankAuthorizationCount() == 1)
            // Nothing of the card reached the store side, nor the server's log (its access log included).
            let journal = (try? Data(contentsOf: URL(fileURLWithPath: cluster.journalPath))) ?? Data()
            #expect(!String(decoding: journal, as: UTF8.self).contains("4111111111111111"))
            for log in ["settlementd.log", "registerd.log"] {
                let text = try String(contentsOfFile: cluster.directory + "/" + log, encoding: .utf8)
                #expect(!text.contains("4111111111111111") && !text.contains("4111 1111"), "\(log)")
            }
            #expect(!page.lowercased().contains("<script"), "the pages carry no script")
        }
    }

    /// Result path 1 from the browser: the result page sends the signed result to the store's
    /// relay address; with relay the only path, only that can bring the register its RESULT.
    @Test func theResultPageRelaysTheResultToTheStore() async throws {
        try await Checkout.with(paths: ["relay"]) { cluster, register, browser in
            let request = try await register.ringUp(SimulatedRegister.figure5Sale(receipt: "B-8"))
            #expect(request.phonePayload.contains("&r=http"))
            try await browser.open(request.phonePayload)
            try await Checkout.payByCard(browser)
            try await browser.wait(for: "#send-to-store")
            try await browser.click("#send-to-store")
            try await browser.wait(for: "#relay-answer")
            #expect(try await browser.text("#relay-answer").contains("The shop has the result"))
            let result = try await register.waitForResult()
            #expect(result.status == .approved)
            let log = try String(contentsOfFile: cluster.directory + "/registerd.log", encoding: .utf8)
            #expect(log.contains("via relay"))
        }
    }

    @Test func aSignedInUserPaysWithAVaultedCard() async throws {
        try await Checkout.with { cluster, register, browser in
            try await cluster.enrollPasswordUser(
                "erin", password: "erin's long passphrase", vaulting: "5555555555554444", expiry: "3006")
            let request = try await register.ringUp(SimulatedRegister.figure5Sale(receipt: "B-2"))
            try await browser.open(request.phonePayload)
            try await browser.type("#user", "erin")
            try await browser.type("#password", "erin's long passphrase")
            try await browser.click("#sign-in")
            try await browser.wait(for: "input[name=vault]")
            #expect(try await browser.source().contains("4444"))
            try await Checkout.screenshot(browser, "choose-card-en")
            try await browser.click("#pay")
            try await browser.wait(for: "h1.approved")
            #expect(try await browser.text("#card-last4").hasSuffix("4444"))
            let result = try await register.waitForResult()
            #expect(result.status == .approved && result.cardLast4 == "4444")
        }
    }

    /// While the bank is slow the payer sees the progress page, which refreshes itself (no script)
    /// until the result; a link to an order the server does not know says so.
    @Test func theProgressPageRefreshesUntilTheResultAndAnUnknownOrderSaysSo() async throws {
        // The bank answers after 6 s, so a loaded machine still sees the progress page; its markup
        // is read in one snapshot, so a refresh that lands on the result in between cannot race it.
        try await Checkout.with(bankArguments: ["--latency-ms", "6000"]) { cluster, register, browser in
            let request = try await register.ringUp(SimulatedRegister.figure5Sale(receipt: "B-9"))
            try await browser.open(request.phonePayload)
            try await Checkout.payByCard(browser)
            let progress = try await Checkout.firstSource(of: browser, containing: #"class="progress""#)
            #expect(progress.contains(#"http-equiv="refresh""#))
            try await Checkout.screenshot(browser, "progress-en")
            try await browser.wait(for: "h1.approved", timeout: .seconds(30))
            #expect(try await register.waitForResult().status == .approved)
            try await browser.open(
                request.phonePayload.replacingOccurrences(of: request.orderID, with: "PP-NOSUCH-1"))
            try await browser.wait(for: "p.error")
            #expect(try await browser.text("p.error").contains("This order is unknown"))
            try await Checkout.screenshot(browser, "unknown-en")
        }
    }

    @Test func aDoctoredLinkIsDeclinedWithoutABankCall() async throws {
        try await Checkout.with { cluster, register, browser in
            let request = try await register.ringUp(SimulatedRegister.figure5Sale(receipt: "B-3"))
            let doctored = try InStoreCluster.tampered(request.phonePayload, total: 1)
            try await browser.open(doctored)
            #expect(try await browser.text("#total") == "JPY 1")
            try await Checkout.payByCard(browser)
            try await browser.wait(for: "h1.not-paid")
            #expect(try await browser.text(".reason").contains("differs from the shop's"))
            try await Checkout.screenshot(browser, "result-declined-en")
            #expect(try await cluster.bankAuthorizationCount() == 0)
        }
    }

    @Test func fiveWrongPasswordsLockTheUser() async throws {
        try await Checkout.with { cluster, register, browser in
            try await cluster.enrollPasswordUser("erin", password: "erin's long passphrase")
            let request = try await register.ringUp(SimulatedRegister.figure5Sale(receipt: "B-4"))
            try await browser.open(request.phonePayload)
            for attempt in 1...5 {
                try await browser.type("#user", "erin")
                try await browser.type("#password", "wrong \(attempt)")
                try await browser.click("#sign-in")
                if attempt < 5 {
                    try await browser.wait(for: "p.error", containing: "wrong")
                }
                if attempt == 1 {
                    // The language switch of the page a POST showed again leads to the order page.
                    try await browser.click("nav.lang a")
                    #expect(try await browser.text("h1") == "ご注文のお支払い")
                    try await browser.click("nav.lang a")
                    #expect(try await browser.text("h1") == "Pay this order")
                }
            }
            try await browser.wait(for: "p.error", containing: "locked")
            try await Checkout.screenshot(browser, "locked-en")
        }
    }

    @Test func anExpiredOrderSaysSo() async throws {
        try await Checkout.with(orderTTLSeconds: 10) { cluster, register, browser in
            let request = try await register.ringUp(SimulatedRegister.figure5Sale(receipt: "B-5"))
            let result = try await register.waitForResult(within: .seconds(40))
            #expect(result.status == .expired)
            try await browser.open(request.phonePayload)
            try await browser.wait(for: "p.error")
            #expect(try await browser.text("p.error").contains("expired"))
            try await Checkout.screenshot(browser, "expired-en")
            #expect(try await cluster.bankAuthorizationCount() == 0)
        }
    }

    /// Pressing pay twice, reloading the progress and result pages and going back never pays twice,
    /// and back after paying shows the result, not the form.
    @Test func doubleSubmitReloadAndBackAuthorizeOnce() async throws {
        try await Checkout.with { cluster, register, browser in
            let request = try await register.ringUp(SimulatedRegister.figure5Sale(receipt: "B-6"))
            try await browser.open(request.phonePayload)
            // Four presses of the button at once: the same form, the same browser cookie.
            let form = try await browser.source()
            let csrf = try #require(Self.value(of: "csrf", in: form))
            let browserID = try #require(try await browser.cookies()["pp_b"])
            let action = request.phonePayload.replacingOccurrences(of: "/p/", with: "/p/")
                .replacingOccurrences(of: "?", with: "/pay?")
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await Checkout.post(
                            action, form: "csrf=\(csrf)&pan=4111111111111111&expiry=12%2F30&cvc=123",
                            cookie: "pp_b=\(browserID)")
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == [303, 303, 303, 303])
            try await browser.type("#pan", "4111111111111111")
            try await browser.type("#expiry", "1230")
            try await browser.type("#cvc", "123")
            try await browser.click("#pay")
            try await browser.wait(for: "h1.approved")
            try await browser.refresh()
            try await browser.wait(for: "h1.approved")
            try await browser.back()
            try await browser.wait(for: "h1.approved")
            #expect(!(try await browser.has("#pan")), "back after paying must not show the card form")
            #expect(form.contains("name=\"csrf\""))
            try await browser.open(request.phonePayload)
            try await browser.wait(for: "h1.approved")
            _ = try await register.waitForResult()
            #expect(try await cluster.bankAuthorizationCount() == 1)
        }
    }

    static func value(of name: String, in page: String) -> String? {
        guard let range = page.range(of: "name=\"\(name)\" value=\"") else { return nil }
        return String(page[range.upperBound...].prefix { $0 != "\"" })
    }

    @Test func thePagesSpeakJapaneseAndEnglish() async throws {
        try await Checkout.with(language: "ja") { cluster, register, browser in
            let request = try await register.ringUp(SimulatedRegister.figure5Sale(receipt: "B-7"))
            try await browser.open(request.phonePayload)
            #expect(try await browser.text("h1") == "ご注文のお支払い")
            #expect(try await browser.source().contains("lang=\"ja\""))
            try await Checkout.screenshot(browser, "checkout-ja")
            try await browser.click("nav.lang a")
            #expect(try await browser.text("h1") == "Pay this order")
            try await browser.click("nav.lang a")
            try await Checkout.payByCard(browser)
            try await browser.wait(for: "h1.approved")
            #expect(try await browser.text("h1") == "お支払い完了")
            try await Checkout.screenshot(browser, "result-approved-ja")
        }
    }
}
