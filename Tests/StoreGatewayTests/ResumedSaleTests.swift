import Foundation
import LogCapture
import PairPayCore
import Register
import RegisterLink
import RegisterLinkTestSupport
import RegisterProtocol
import StoreGateway
import Testing

extension StoreProcessTests {
    /// RegisterService with the real gateway: a sale open when registerd stopped is resumed with the
    /// same order id, and its outcome is learnt by query and reported exactly once.
    @Suite("RegisterService with HTTPSettlementGateway", .serialized)
    struct ResumedSaleTests {
        struct Running {
            let register: FakeRegister
            let link: SerialLink
            let service: RegisterService
            let task: Task<Void, Never>
            let gateway: HTTPSettlementGateway

            static func start(
                _ configuration: StoreGatewayConfiguration, journal: RegisterJournal, log: CapturedLog
            ) async throws -> Running {
                let register = try FakeRegister()
                let logger = log.logger()
                let gateway = try HTTPSettlementGateway(configuration: configuration, logger: logger)
                _ = try await gateway.start()
                let link = SerialLink(
                    transport: TermiosTransport(path: register.devicePath),
                    backoff: ReconnectBackoff(initial: .milliseconds(20), maximum: .milliseconds(200)),
                    logger: logger)
                let service = try RegisterService(
                    link: link,
                    configuration: .init(terminalID: "PP-TERM-9", progressInterval: .milliseconds(200)),
                    gateway: gateway, logger: logger, journal: journal)
                let task = Task { await service.run() }
                link.start()
                let open = try await eventually(.seconds(5)) { await service.linkIsOpen }
                #expect(open, "the link did not open")
                return Running(register: register, link: link, service: service, task: task, gateway: gateway)
            }

            func stop() async {
                link.stop()
                await task.value
                await gateway.shutdown()
            }
        }

        @Test func aSaleOpenAcrossARestartLearnsItsOutcomeByQueryOnce() async throws {
            try await SettlementProcesses.with { cluster in
                let merchant = try await cluster.enrollMerchant("shop-j")
                let user = try await cluster.enrollUser("hana")
                let configuration = try Fixture.configuration(
                    cluster, merchant, paths: [.relay], relay: false)
                let path = cluster.dir + "/journal.sqlite"
                let log = CapturedLog()

                let first = try await Running.start(
                    configuration, journal: try RegisterJournal(path: path), log: log)
                try await first.register.send(.sale(Fixture.sale))
                let reply = try await first.register.next(within: .seconds(20)) {
                    if case .paymentRequest = $0 { true } else { false }
                }
                guard case .paymentRequest(let request) = reply else {
                    throw TestFailure("no PAYMENT REQUEST")
                }
                await first.stop()  // registerd goes away with the sale open

                // Meanwhile the customer pays.
                let payload = try PaymentPayload(text: request.phonePayload)
                #expect(try await cluster.pay(payload, as: user).status == 200)

                let second = try await Running.start(
                    configuration, journal: try RegisterJournal(path: path), log: log)
                let result = try await second.register.next(within: .seconds(30)) {
                    if case .result = $0 { true } else { false }
                }
                guard case .result(let outcome) = result else { throw TestFailure("no RESULT") }
                #expect(outcome.status == .approved)
                #expect(outcome.orderID == request.orderID)
                #expect(outcome.cardLast4 == "1111")
                await second.register.listen(for: .seconds(1))
                let results = second.register.receivedMessages.filter {
                    if case .result = $0 { true } else { false }
                }
                #expect(results.count == 1, "the outcome was reported \(results.count) times")
                let record = try #require(await second.service.transactions.last)
                let steps = try RegisterJournal(path: path).stepDetails(of: try #require(record.journalID))
                #expect(steps.contains("result via query"), "\(steps)")
                #expect(steps.filter { $0.hasPrefix("completed") }.count == 1)
                await second.stop()
                #expect(!log.text.contains(SettlementProcesses.pan))
            }
        }
    }
}
