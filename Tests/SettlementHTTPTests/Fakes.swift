import Foundation
import PairPayCore
import SettlementHTTP
import Synchronization

/// A credential directory in memory: merchant `shop-1` with key id `k1`, user `alice` with MAC key
/// id `u1` and password `correct horse`.
final class FakeCredentials: CredentialDirectory {
    static let merchantKey = [UInt8](repeating: 7, count: 32)
    static let userKey = [UInt8](repeating: 9, count: 32)
    let nonces = Mutex<Set<String>>([])
    let failures = Mutex(0)

    func merchantMACKey(keyID: String) async throws -> (merchantID: String, key: [UInt8])? {
        keyID == "k1" ? ("shop-1", Self.merchantKey) : keyID == "k2" ? ("shop-2", Self.merchantKey) : nil
    }
    func userMACKey(keyID: String) async throws -> (userID: String, key: [UInt8])? {
        keyID == "u1" ? ("alice", Self.userKey) : nil
    }
    func merchantID(certificateFingerprint: String) async throws -> String? { nil }
    func userID(certificateFingerprint: String) async throws -> String? { nil }
    func checkPassword(userID: String, password: String) async throws -> PasswordVerdict {
        if failures.withLock({ $0 }) >= 5 {
            return .locked(until: Date(timeIntervalSince1970: 2_000_000_000))
        }
        if userID == "alice", password == "correct horse" { return .accepted }
        failures.withLock { $0 += 1 }
        return .rejected
    }
    func useNonce(_ nonce: String, scope: String, timestamp: Int64) async throws -> Bool {
        nonces.withLock { $0.insert(scope + "|" + nonce).inserted }
    }
}

struct FakeStatus: Encodable, Sendable {
    let orderId: String
    let merchantId: String
    let state: String
}

struct FakeError: APIErrorConvertible {
    var apiError: APIError
}

/// Records calls; answers like the engine would for a fresh order.
final class FakeAPI: SettlementAPI {
    let calls = Mutex<[String]>([])

    func submitFirst(
        _ request: FirstSettlementRequest, merchantID: String
    ) async throws -> any Encodable & Sendable {
        calls.withLock { $0.append("first \(merchantID) \(request.orderID)") }
        return FakeStatus(orderId: request.orderID, merchantId: merchantID, state: "awaiting-second")
    }
    func submitSecond(
        _ request: SecondSettlementRequest, userID: String
    ) async throws -> SignedSettlementResult? {
        calls.withLock { $0.append("second \(userID) \(request.orderID)") }
        return nil
    }
    func order(_ orderID: String, merchantID: String) async throws -> any Encodable & Sendable {
        calls.withLock { $0.append("order \(merchantID) \(orderID)") }
        guard orderID == "o-1" else {
            throw FakeError(apiError: .notFound("No order \(orderID) for this merchant."))
        }
        return FakeStatus(orderId: orderID, merchantId: merchantID, state: "awaiting-second")
    }
    func cancel(_ orderID: String, merchantID: String) async throws -> any Encodable & Sendable {
        calls.withLock { $0.append("cancel \(merchantID) \(orderID)") }
        return FakeStatus(orderId: orderID, merchantId: merchantID, state: "final")
    }
}

enum Samples {
    static let firstBody = """
        {"orderId":"o-1","contents":{"merchantId":"shop-1","orderId":"o-1","currency":"JPY","total":1155,\
        "lineItems":[{"code":"A1","name":"Coffee","unitPrice":500,"quantity":2,"tax":155}]}}
        """
    static let secondBody = """
        {"merchantId":"shop-1","orderId":"o-1","currency":"JPY","total":1155,\
        "contents":{"merchantId":"shop-1","orderId":"o-1","currency":"JPY","total":1155,\
        "lineItems":[{"code":"A1","name":"Coffee","unitPrice":500,"quantity":2,"tax":155}]},\
        "payment":{"card":{"pan":"4111111111111111","expiry":"3012","cvc":"123"}}}
        """
}
