import AsyncHTTPClient
import Foundation
import Logging
import PairPayCore
import PairPayPKI
import SettlementHTTP
import Synchronization
import Testing

/// Credentials that know certificate fingerprints only.
final class CertificateCredentials: CredentialDirectory {
    let merchants: [String: String]
    let users: [String: String]
    init(merchants: [String: String], users: [String: String]) {
        self.merchants = merchants
        self.users = users
    }
    func merchantMACKey(keyID: String) async throws -> (merchantID: String, key: [UInt8])? { nil }
    func userMACKey(keyID: String) async throws -> (userID: String, key: [UInt8])? { nil }
    func merchantID(certificateFingerprint: String) async throws -> String? {
        merchants[certificateFingerprint]
    }
    func userID(certificateFingerprint: String) async throws -> String? { users[certificateFingerprint] }
    func checkPassword(userID: String, password: String) async throws -> PasswordVerdict { .rejected }
    func useNonce(_ nonce: String, scope: String, timestamp: Int64) async throws -> Bool { true }
}

/// Answers every call with who it was made for, so the test sees the authenticated party.
final class EchoAPI: SettlementAPI {
    struct Echo: Encodable, Sendable {
        let merchantId: String
        let orderId: String
    }
    func submitFirst(
        _ request: FirstSettlementRequest, merchantID: String
    ) async throws -> any Encodable & Sendable {
        Echo(merchantId: merchantID, orderId: request.orderID)
    }
    func submitSecond(
        _ request: SecondSettlementRequest, userID: String
    ) async throws -> SignedSettlementResult? {
        nil
    }
    func order(_ orderID: String, merchantID: String) async throws -> any Encodable & Sendable {
        Echo(merchantId: merchantID, orderId: orderID)
    }
    func cancel(_ orderID: String, merchantID: String) async throws -> any Encodable & Sendable {
        Echo(merchantId: merchantID, orderId: orderID)
    }
}

@Suite("Mutual TLS on a real TLS listener")
struct MutualTLSTests {
    @Test func clientCertificateIsMappedToItsMerchantAndOptionalAtTheTLSLevel() async throws {
        let pki = try TestPKI()
        let shop = try pki.directory.issueClient(id: "shop-1", kind: .merchant)
        let phone = try pki.directory.issueClient(id: "alice", kind: .user)
        // A certificate from another CA must not even get through the handshake.
        let stranger = try TestPKI()
        _ = try stranger.directory.issueClient(id: "shop-1", kind: .merchant)

        let credentials = CertificateCredentials(
            merchants: [shop.fingerprint: "shop-1"], users: [phone.fingerprint: "alice"])
        let routes = SettlementRoutes(api: EchoAPI(), credentials: credentials)
        let port = PortBox()
        let app = try SettlementServer.application(
            routes: routes, tls: pki.serverTLS, host: "127.0.0.1", port: 0, logger: Logger(label: "test"),
            onListening: { port.set($0) })
        try await withRunningServices([app]) {
            let base = "https://localhost:\(try await port.wait())"
            let withShop = HTTPClient.make(tls: try pki.clientTLS(client: "shop-1"))
            let withPhone = HTTPClient.make(tls: try pki.clientTLS(client: "alice"))
            let anonymous = HTTPClient.make(tls: try pki.clientTLS())
            let foreign = HTTPClient.make(tls: try stranger.clientTLS(client: "shop-1"))
            let mine = try await withShop.send(.GET, base + "/v1/orders/o-7")
            #expect(mine.status == 200)
            #expect(mine.body.contains(#""merchantId":"shop-1""#))
            // No certificate: TLS still connects (MAC and password clients need that), the route refuses.
            let health = try await anonymous.send(.GET, base + "/health")
            #expect(health.status == 200)
            let refused = try await anonymous.send(.GET, base + "/v1/orders/o-7")
            #expect(refused.status == 401)
            #expect(refused.body.contains("unauthenticated"))
            // A user's certificate is not a store's.
            let wrongRole = try await withPhone.send(.GET, base + "/v1/orders/o-7")
            #expect(wrongRole.status == 401)
            // A certificate the PairPay CA did not issue fails the handshake (the client also distrusts the server).
            await #expect(throws: (any Error).self) { _ = try await foreign.send(.GET, base + "/health") }
            for client in [withShop, withPhone, anonymous, foreign] { try? await client.shutdown() }
        }
    }
}
