import Foundation
import PairPayCore
import PairPayPKI
import Register
import RegisterProtocol
import StoreGateway
import Testing

extension StoreProcessTests {
    /// Whether a failed call may have reached settlementd: the machine keeps asking an abort whose
    /// cancel may have reversed the payment (``SettlementGatewayError/noAnswer(_:)``), and gives up
    /// only on one that certainly did not arrive (``SettlementGatewayError/unreachable(_:)``).
    @Suite("HTTPSettlementGateway: lost answers and unreachable servers", .serialized)
    struct GatewayLostAnswerTests {
        /// The cancel goes through a TLS proxy that passes the request to settlementd and drops
        /// its answer: the call is `noAnswer`, and settlementd did reverse the payment.
        @Test func aCancelWhoseAnswerIsLostIsNoAnswerAndTheServerReversedThePayment() async throws {
            try await SettlementProcesses.with { cluster in
                let merchant = try await cluster.enrollMerchant("shop-lost")
                let user = try await cluster.enrollUser("frank")
                let configuration = try Fixture.configuration(
                    cluster, merchant, paths: [.query], relay: false)
                let proxy = try OneWayTLSProxy(to: cluster.port, pki: cluster.pki)
                defer { proxy.stop() }
                var lossy = configuration
                lossy.settlementURL = "https://127.0.0.1:\(proxy.port)"
                lossy.requestTimeout = .seconds(2)
                lossy.requestRetries = 0
                try await Fixture.withGateway(configuration) { gateway, _ in
                    let paid = try Fixture.order()
                    let invitation = try await gateway.register(paid)
                    #expect(
                        try await cluster.pay(try PaymentPayload(text: invitation.phonePayload), as: user)
                            .status
                            == 200)
                    _ = try await Fixture.withGateway(lossy) { lossyGateway, _ in
                        await #expect {
                            _ = try await lossyGateway.cancel(paid)
                        } throws: { error in
                            guard case SettlementGatewayError.noAnswer = error else { return false }
                            return true
                        }
                    }
                    // The bank's ledger is the witness: the lost cancel reached settlementd, which
                    // gave the payment back.
                    #expect(
                        try await eventually(.seconds(10)) {
                            try await cluster.bankEntries(event: "reversal") == [paid.total.minorUnits]
                        })
                }
            }
        }

        /// Nothing listens on the port: the request certainly did not arrive.
        @Test func aServerThatCannotBeConnectedToIsUnreachable() async throws {
            try await SettlementProcesses.with { cluster in
                let merchant = try await cluster.enrollMerchant("shop-down")
                var configuration = try Fixture.configuration(
                    cluster, merchant, paths: [.query], relay: false)
                configuration.settlementURL = "https://127.0.0.1:\(try freePort())"
                configuration.requestRetries = 1
                configuration.retryBase = .milliseconds(50)
                try await Fixture.withGateway(configuration) { gateway, _ in
                    let order = try Fixture.order()
                    await #expect {
                        _ = try await gateway.cancel(order)
                    } throws: { error in
                        guard case SettlementGatewayError.unreachable = error else { return false }
                        return true
                    }
                }
            }
        }
    }
}

/// socat in one-way mode (`-u`) terminating TLS with settlementd's certificate: what the client
/// sends reaches settlementd, what settlementd answers is never passed back.
final class OneWayTLSProxy: Sendable {
    let port: Int
    let process: Process

    init(to serverPort: Int, pki: PKIDirectory) throws {
        port = try freePort()
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/socat")
        process.arguments = [
            "-u",
            "OPENSSL-LISTEN:\(port),bind=127.0.0.1,reuseaddr,fork,cert=\(pki.serverCertificatePath),key=\(pki.serverKeyPath),verify=0",
            "OPENSSL:127.0.0.1:\(serverPort),cafile=\(pki.caCertificatePath),verify=0",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Ready once it accepts connections.
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if Self.accepts(port) { return }
            usleep(20_000)
        }
        stop()
        throw TestFailure("socat did not listen on \(port)")
    }

    /// SIGKILL: a child of the test process inherits its blocked signals, SIGTERM among them.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
