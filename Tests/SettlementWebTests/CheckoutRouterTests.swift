import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PairPayCore
import SettlementHTTP
import Synchronization
import Testing

@testable import SettlementWeb

/// The pages' HTTP behaviour with a fake backend (the real one is exercised by BrowserTests):
/// headers, CSRF, rate limits, and card numbers never echoed.
@Suite struct CheckoutRouterTests {
    final class FakeBackend: CheckoutBackend {
        let paid = Mutex<[SecondSettlementRequest]>([])
        let contents: OrderContents

        init() throws {
            contents = try OrderContents(
                merchantID: "shop-1", orderID: "PP-1", currency: .jpy,
                lineItems: [
                    try OrderLineItem(
                        code: "A1", name: "Coffee <b>strong</b>", unitPrice: 300, quantity: 1, tax: 0)
                ])
        }

        func checkoutOrder(merchantID: String, orderID: String) async throws -> CheckoutOrder? {
            guard merchantID == "shop-1", orderID == "PP-1" else { return nil }
            return CheckoutOrder(
                merchantID: merchantID, orderID: orderID, stage: .open, contents: contents,
                expiresAt: Date().addingTimeInterval(600))
        }
        func pay(_ request: SecondSettlementRequest, payer: String) async throws -> SignedSettlementResult? {
            paid.withLock { $0.append(request) }
            return nil
        }
        func checkPassword(userID: String, password: String) async throws -> PasswordVerdict { .rejected }
        func vaultedCards(userID: String) async throws -> [VaultedCardChoice] { [] }
    }

    func link(_ backend: FakeBackend) throws -> String {
        let payload = try PaymentPayload(
            contents: backend.contents, serverURL: "https://pay.example",
            expiresAt: Int64(Date().timeIntervalSince1970) + 600)
        return String(payload.checkoutURL.dropFirst("https://pay.example".count))
    }

    func app(_ backend: FakeBackend, paymentsPerMinute: Int = 20) -> some ApplicationProtocol {
        let pages = CheckoutRoutes(
            backend: backend, paymentsPerMinute: paymentsPerMinute, logger: .init(label: "test"))
        let routes = SettlementRoutes(api: NoAPI(), credentials: NoCredentials(), pages: pages)
        return Application(router: routes.router())
    }

    @Test func everyPageCarriesTheSecurityHeadersAndNoScript() async throws {
        let backend = try FakeBackend()
        let path = try link(backend)
        try await app(backend).test(.router) { client in
            try await client.execute(uri: path, method: .get) { response in
                #expect(response.status == .ok)
                let csp = try #require(response.headers[HTTPField.Name("Content-Security-Policy")!])
                #expect(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"))
                #expect(!csp.contains("script-src"))
                #expect(response.headers[.cacheControl] == "no-store")
                #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
                #expect(
                    response.headers[values: .setCookie].contains {
                        $0.hasPrefix("pp_b=") && $0.contains("Secure") && $0.contains("HttpOnly")
                    })
                let page = String(buffer: response.body)
                #expect(!page.lowercased().contains("<script"))
                #expect(!page.contains(" style="))
                #expect(page.contains("Coffee &lt;b&gt;strong&lt;/b&gt;"), "store text is escaped")
                #expect(page.contains(#"autocomplete="cc-number""#) && page.contains(#"inputmode="numeric""#))
            }
        }
    }

    @Test func aPaymentWithoutItsFormTokenIsRefusedAndNothingIsPaid() async throws {
        let backend = try FakeBackend()
        let path = try link(backend)
        let pay = path.replacingOccurrences(of: "?", with: "/pay?")
        try await app(backend).test(.router) { client in
            var headers = HTTPFields()
            headers[.contentType] = "application/x-www-form-urlencoded"
            headers[.cookie] = "pp_b=00112233445566778899aabbccddeeff"
            try await client.execute(
                uri: pay, method: .post, headers: headers,
                body: ByteBuffer(string: "pan=4111111111111111&expiry=1230&csrf=1.00")
            ) { response in
                #expect(response.status == .forbidden)
                #expect(!String(buffer: response.body).contains("4111111111111111"))
            }
            try await Task.sleep(for: .milliseconds(200))  // a payment would run in a task of its own
            #expect(backend.paid.withLock { $0.isEmpty })
        }
    }

    @Test func aBadCardIsRefusedWithoutEchoingItsNumber() async throws {
        let backend = try FakeBackend()
        let path = try link(backend)
        try await app(backend).test(.router) { client in
            let (cookie, csrf) = try await Self.openForm(client, path)
            var headers = HTTPFields()
            headers[.contentType] = "application/x-www-form-urlencoded"
            headers[.cookie] = cookie
            try await client.execute(
                uri: path.replacingOccurrences(of: "?", with: "/pay?"), method: .post, headers: headers,
                body: ByteBuffer(string: "csrf=\(csrf)&pan=4111111111111112&expiry=12%2F30&cvc=123")
            ) { response in
                #expect(response.status == .badRequest)
                let page = String(buffer: response.body)
                #expect(page.contains("card details are not valid"))
                #expect(!page.contains("4111111111111112") && !page.contains("411111111111"))
            }
            try await Task.sleep(for: .milliseconds(200))
            #expect(backend.paid.withLock { $0.isEmpty })
        }
    }

    @Test func paymentsAreRateLimitedPerClient() async throws {
        let backend = try FakeBackend()
        let path = try link(backend)
        try await app(backend, paymentsPerMinute: 2).test(.router) { client in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<3 {
                try await client.execute(
                    uri: path.replacingOccurrences(of: "?", with: "/pay?"), method: .post,
                    body: ByteBuffer(string: "")
                ) { response in
                    statuses.append(response.status)
                    if response.status == .tooManyRequests { #expect(response.headers[.retryAfter] != nil) }
                }
            }
            #expect(statuses == [.forbidden, .forbidden, .tooManyRequests])
        }
    }

    @Test func aKnownPagePathWithAnotherMethodIs405() async throws {
        let backend = try FakeBackend()
        try await app(backend).test(.router) { client in
            try await client.execute(uri: "/p/shop-1/PP-1/pay", method: .get) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "POST")
            }
            try await client.execute(uri: "/p/shop-1/PP-1", method: .post) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "GET")
            }
        }
    }

    @Test func aLinkForAnUnknownOrderSaysSo() async throws {
        let backend = try FakeBackend()
        let path = try link(backend).replacingOccurrences(of: "/PP-1?", with: "/PP-9?")
        try await app(backend).test(.router) { client in
            try await client.execute(uri: path, method: .get) { response in
                #expect(response.status == .notFound)
                #expect(String(buffer: response.body).contains("This order is unknown"))
            }
        }
    }

    /// The browser cookie and the form token of the order page.
    static func openForm(_ client: some TestClientProtocol, _ path: String) async throws -> (String, String) {
        try await client.execute(uri: path, method: .get) { response in
            let cookie = try #require(response.headers[values: .setCookie].first { $0.hasPrefix("pp_b=") })
            let page = String(buffer: response.body)
            let range = try #require(page.range(of: #"name="csrf" value=""#))
            let csrf = String(page[range.upperBound...].prefix { $0 != "\"" })
            return (String(cookie.prefix { $0 != ";" }), csrf)
        }
    }
}

struct NoAPI: SettlementAPI {
    struct Unused: Error {}
    func submitFirst(
        _ request: FirstSettlementRequest, merchantID: String
    ) async throws -> any Encodable & Sendable {
        throw Unused()
    }
    func submitSecond(
        _ request: SecondSettlementRequest, userID: String
    ) async throws -> SignedSettlementResult? {
        throw Unused()
    }
    func order(_ orderID: String, merchantID: String) async throws -> any Encodable & Sendable {
        throw Unused()
    }
    func cancel(_ orderID: String, merchantID: String) async throws -> any Encodable & Sendable {
        throw Unused()
    }
}

struct NoCredentials: CredentialDirectory {
    func merchantMACKey(keyID: String) async throws -> (merchantID: String, key: [UInt8])? { nil }
    func userMACKey(keyID: String) async throws -> (userID: String, key: [UInt8])? { nil }
    func merchantID(certificateFingerprint: String) async throws -> String? { nil }
    func userID(certificateFingerprint: String) async throws -> String? { nil }
    func checkPassword(userID: String, password: String) async throws -> PasswordVerdict { .rejected }
    func useNonce(_ nonce: String, scope: String, timestamp: Int64) async throws -> Bool { true }
}
