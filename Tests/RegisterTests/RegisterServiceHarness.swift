import LogCapture
import Logging
import Register
import RegisterLink
import RegisterLinkTestSupport
import RegisterProtocol
import Testing

/// RegisterService on a real pty, driven by a fake register, with a scripted settlement server.
struct RegisterServiceHarness {
    let register: FakeRegister
    let link: SerialLink
    let gateway: ScriptedSettlementGateway
    let service: RegisterService
    let logLines = CapturedLog()
    let serviceTask: Task<Void, Never>

    static let basket = Sale(
        receipt: "R-000123", currencyCode: "JPY", total: 1155,
        lineItems: [
            SaleLineItem(code: "4901234567894", name: "Peanut butter", unitPrice: 500, quantity: 1, tax: 25),
            SaleLineItem(code: "4909876543210", name: "Grape jelly", unitPrice: 600, quantity: 1, tax: 30),
        ])

    static let approved = SettlementOutcome(
        status: .approved, reason: .approved, approvalCode: "A1B2C3", cardLast4: "1111", message: "Approved")

    static let declined = SettlementOutcome(
        status: .declined, reason: .declined, cardLast4: "1111", message: "Declined")

    init(
        gateway: (any SettlementGateway)? = nil, progressInterval: Duration = .milliseconds(100),
        journal: RegisterJournal? = nil
    ) async throws {
        register = try FakeRegister()
        let scripted = ScriptedSettlementGateway()
        self.gateway = scripted
        let logger = logLines.logger()
        link = SerialLink(
            transport: TermiosTransport(path: register.devicePath),
            backoff: ReconnectBackoff(initial: .milliseconds(20), maximum: .milliseconds(200)), logger: logger
        )
        service = try RegisterService(
            link: link,
            configuration: .init(
                terminalID: "PP-TERM-7", software: "registerd test", progressInterval: progressInterval),
            gateway: gateway ?? scripted, logger: logger, journal: journal)
        let service = self.service
        serviceTask = Task { await service.run() }
        link.start()
        try await waitForLink(openings: 1)
    }

    /// Waits until the service has seen the device opened `openings` times and open now.
    func waitForLink(openings: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            if await service.linkIsOpen, await service.linkOpenings >= openings { return }
            if ContinuousClock.now >= deadline {
                throw FakeRegisterError.timedOut(waitingFor: "link open (\(openings))")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Waits until the service has seen the device lost.
    func waitForLinkLoss() async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            if !(await service.linkIsOpen) { return }
            if ContinuousClock.now >= deadline { throw FakeRegisterError.timedOut(waitingFor: "link loss") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    func stop() async {
        link.stop()
        await serviceTask.value
    }

    /// Sends the sale and returns the PAYMENT REQUEST that follows.
    func startSale(_ sale: Sale = basket) async throws -> PaymentRequest {
        try await register.send(.sale(sale))
        let reply = try await register.nextReply()
        guard case .paymentRequest(let request) = reply else {
            throw FakeRegisterError.timedOut(waitingFor: "PAYMENT REQUEST, got \(reply)")
        }
        return request
    }

    func nextError() async throws -> ErrorReply {
        let reply = try await register.nextReply()
        guard case .error(let error) = reply else {
            throw FakeRegisterError.timedOut(waitingFor: "ERROR, got \(reply)")
        }
        return error
    }

    func status(receipt: String? = nil) async throws -> StatusReply {
        try await register.send(.statusRequest(StatusRequest(receipt: receipt)))
        let reply = try await register.nextReply()
        guard case .status(let status) = reply else {
            throw FakeRegisterError.timedOut(waitingFor: "STATUS, got \(reply)")
        }
        return status
    }
}
