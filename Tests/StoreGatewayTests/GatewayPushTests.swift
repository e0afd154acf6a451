import AsyncHTTPClient
import Foundation
import LogCapture
import PairPayCore
import Register
import StoreGateway
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension StoreProcessTests {
    /// Result path 2: settlementd pushes the signed result to the gateway's HTTPS receiver; forged
    /// pushes (bad HMAC, stale timestamp, altered result) are refused.
    @Suite("HTTPSettlementGateway push receiver", .serialized)
    struct GatewayPushTests {
        @Test func settlementdPushesTheResultAndForgeriesAreRefused() async throws {
            try await SettlementProcesses.with { cluster in
                // The push URL is enrolled before the receiver runs: reserve a free port for it.
                let port = try freePort()
                let merchant = try await cluster.enrollMerchant(
                    "shop-p", pushURL: "https://127.0.0.1:\(port)/v1/push")
                let secret = try #require(merchant.pushSecret)
                let user = try await cluster.enrollUser("frank")
                var configuration = try Fixture.configuration(
                    cluster, merchant, paths: [.push], relay: false, push: true)
                configuration.push?.listen = ListenAddress(host: "127.0.0.1", port: port)
                try await Fixture.withGateway(configuration) { gateway, listeners in
                    let receiver = try #require(listeners.pushReceiver)
                    #expect(receiver == "https://127.0.0.1:\(port)")
                    let order = try Fixture.order()
                    let invitation = try await gateway.register(order)
                    let paid = try await cluster.pay(
                        try PaymentPayload(text: invitation.phonePayload), as: user)
                    #expect(paid.status == 200, "\(paid.body)")
                    let outcome = try await Fixture.outcome(
                        gateway, order, until: .now + invitation.expiresIn)
                    #expect(outcome.status == .approved)
                    #expect(outcome.source == .push)

                    let url = receiver + "/v1/push"
                    let body = Array(paid.body.utf8)
                    let now = Int64(Date().timeIntervalSince1970)
                    func push(_ body: [UInt8], header: String) async throws -> (status: Int, body: String) {
                        try await Fixture.post(
                            url, String(decoding: body, as: UTF8.self),
                            headers: [("PairPay-Signature", header), ("Content-Type", "application/json")],
                            client: cluster.phoneClient)
                    }
                    let wrongSecret = PushSignature.header(
                        secret: Array(repeating: 9, count: 32), timestamp: now, body: body)
                    #expect(try await push(body, header: wrongSecret).status == 401)
                    let stale = PushSignature.header(secret: secret, timestamp: now - 600, body: body)
                    let staleAnswer = try await push(body, header: stale)
                    #expect(staleAnswer.status == 401)
                    #expect(staleAnswer.body.contains("5 minutes"))
                    let altered = Array(
                        paid.body.replacingOccurrences(
                            of: #""status":"approved""#, with: #""status":"declined""#
                        ).utf8)
                    #expect(altered != body)
                    let forged = try await push(
                        altered, header: PushSignature.header(secret: secret, timestamp: now, body: altered))
                    #expect(forged.status == 422)
                    let repeated = try await push(
                        body, header: PushSignature.header(secret: secret, timestamp: now, body: body))
                    #expect(repeated.status == 200)
                    #expect(repeated.body.contains("already-known"))
                }
            }
        }

        @Test func aValidPushForAnOrderNotWaitedForIsAcknowledged() async throws {
            try await SettlementProcesses.with { cluster in
                let port = try freePort()
                let merchant = try await cluster.enrollMerchant(
                    "shop-n", pushURL: "https://127.0.0.1:\(port)/v1/push")
                let user = try await cluster.enrollUser("gina")
                // A second store process of the same merchant registers the order; this one only receives.
                let registering = try Fixture.configuration(cluster, merchant, paths: [.query], relay: false)
                var receiving = try Fixture.configuration(
                    cluster, merchant, paths: [.push], relay: false, push: true)
                receiving.push?.listen = ListenAddress(host: "127.0.0.1", port: port)
                let log = CapturedLog()
                try await Fixture.withGateway(receiving, log: log) { _, _ in
                    try await Fixture.withGateway(registering) { gateway, _ in
                        let order = try Fixture.order()
                        let invitation = try await gateway.register(order)
                        #expect(
                            try await cluster.pay(try PaymentPayload(text: invitation.phonePayload), as: user)
                                .status == 200)
                        _ = try await Fixture.outcome(gateway, order, until: .now + invitation.expiresIn)
                        let acknowledged = try await eventually {
                            log.lines.contains {
                                $0.contains("not waiting for") && $0.contains(order.orderID)
                            }
                        }
                        #expect(acknowledged, "the receiver did not acknowledge the push of \(order.orderID)")
                    }
                }
            }
        }
    }
}

/// A port that was free a moment ago on 127.0.0.1.
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestFailure("socket() failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    guard bound == 0 else { throw TestFailure("bind() failed") }
    let named = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    guard named == 0 else { throw TestFailure("getsockname() failed") }
    return Int(UInt16(bigEndian: address.sin_port))
}
