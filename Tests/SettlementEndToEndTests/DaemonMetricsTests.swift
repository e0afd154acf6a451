import Acquirer
import AsyncHTTPClient
import Foundation
import InStoreCluster
import Logging
import PairPayCore
import RegisterLinkTestSupport
import RegisterProtocol
import Testing

extension SettlementdProcessTests {
    /// registerd's and banksim's own `GET /metrics` (`--metrics-listen`), read from the real
    /// processes after real work.
    @Suite("registerd and banksim metrics")
    struct DaemonMetricsTests {
        /// GETs the metrics at `text`: a URL, or the line a daemon printed naming it.
        static func scrape(_ text: String) async throws -> String {
            let url = try #require(text.split(separator: " ").first { $0.hasPrefix("http://") })
            let response = try await HTTPClient.shared.execute(
                HTTPClientRequest(url: String(url)), timeout: .seconds(10))
            #expect(response.status == .ok)
            #expect(
                response.headers.first(name: "Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
            return String(buffer: try await response.body.collect(upTo: 1 << 20))
        }

        @Test func banksimCountsRequestsAndHolds() async throws {
            let metricsPort = try FreePort.pick()
            let metrics = "http://127.0.0.1:\(metricsPort)/metrics"
            try await SettlementCluster.with(bankArguments: ["--metrics-listen", "127.0.0.1:\(metricsPort)"])
            { cluster in
                let before = try await Self.scrape(metrics)
                #expect(before.contains("pairpay_bank_active_holds 0.0"), "\(before)")
                var logger = Logger(label: "test.acquirer")
                logger.logLevel = .error
                let acquirer = try await ISO8583Acquirer.open(
                    configuration: ISO8583AcquirerConfiguration(
                        port: cluster.bankPort, storePath: cluster.dir + "/metrics-acquirer.sqlite",
                        echoInterval: nil),
                    logger: logger)
                let outcome = try await acquirer.authorize(
                    AuthorizationRequest(
                        merchantID: "MERCHANT0000042", terminalID: "TERM0001", orderID: "metrics-1",
                        amount: Money(minorUnits: 1155, currency: .jpy),
                        card: CardData(
                            primaryAccountNumber: try PrimaryAccountNumber("4111111111111111"),
                            expiry: try CardExpiry(yymm: "3012"), securityCode: try CardSecurityCode("123"))))
                await acquirer.shutdown()
                guard case .approved = outcome else {
                    Issue.record("not approved: \(outcome)")
                    return
                }
                let after = try await Self.scrape(metrics)
                #expect(after.contains("pairpay_bank_active_holds 1.0"), "\(after)")
                #expect(after.contains("pairpay_bank_active_hold_amount 1155.0"))
                #expect(after.contains("pairpay_bank_requests_received 1.0"))
                #expect(after.contains("pairpay_bank_connections_accepted 1.0"))
                #expect(!after.contains("4111111111111111"))
            }
        }

        @Test func registerdCountsSalesAndLinkFrames() async throws {
            let register = try FakeRegister()
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "registerd-metrics-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let (registerd, line) = try await BuiltExecutable.launch(
                "registerd",
                [
                    "--device", register.devicePath, "--terminal-id", "PP-METRICS", "--metrics-listen",
                    "127.0.0.1:0",
                ], marker: "metrics on http://", stderr: directory.path + "/registerd.stderr")
            defer {
                registerd.terminate()
                registerd.waitUntilExit()
            }
            let sale = Sale(
                receipt: "R-METRICS-1", currencyCode: "JPY", total: 1155,
                lineItems: [
                    SaleLineItem(
                        code: "4901234567894", name: "Peanut butter", unitPrice: 1155, quantity: 1, tax: 0)
                ])
            try await register.send(.sale(sale), attempts: 20)
            let result = try await register.nextResult()
            let text = try await Self.scrape(line)
            #expect(
                text.contains(#"pairpay_register_sales_total{status="\#(result.status.name)"} 1"#), "\(text)")
            #expect(text.contains(#"pairpay_register_link_frames_total{event="received"}"#))
            #expect(text.contains(#"pairpay_register_link_frames_total{event="sent"}"#))
        }
    }
}
