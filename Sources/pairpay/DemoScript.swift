import Foundation
import InStoreCluster
import PairPayCore
import PairPayQR
import RegisterProtocol

/// The steps of `pairpay demo`, narrated on standard output. Each step checks what it shows:
/// the demo fails rather than print a wrong story.
final class DemoScript: @unchecked Sendable {
    let directory: String
    private(set) var cluster: InStoreCluster?
    private var register: SimulatedRegister?
    /// Amounts the register was told were approved (and not given back).
    private var approvedAmounts: [Int64] = []
    private var receiptNumber = 0

    /// The cards of the demo's phones: none of them may reach the store side.
    static let cardNumbers = ["4111111111111111", "5555555555554444"]

    /// This machine's address for a real phone (`--phone-host`), if the customer pays with one.
    let phoneHost: String?

    init(directory: String, phoneHost: String? = nil) {
        self.directory = directory
        self.phoneHost = phoneHost
    }

    func run() async throws {
        heading("Set-up (files in \(directory))")
        let cluster = try InStoreCluster(directory: directory, executables: ClusterExecutables())
        self.cluster = cluster
        for command in try await cluster.prepare(serverHosts: phoneHost.map { [$0] } ?? []) {
            say("  $ \(command)")
        }
        try await cluster.startBank()
        say("  banksim: the card issuer, ISO 8583 over TCP on 127.0.0.1:\(cluster.bankPort)")
        try await cluster.startSettlement(extraArguments: phoneHost == nil ? [] : ["--listen", "0.0.0.0"])
        say("  settlementd: the settlement server, HTTPS on \(cluster.settlementURL)")
        let register = try SimulatedRegister(transcript: { line in Self.write("  " + line) })
        self.register = register
        say("  the cash register is on a pty pair; registerd opens \(register.devicePath)")

        heading("Result path 1: the phone relays the signed result to the store")
        try await startRegisterd(paths: ["relay"], auth: .mac)
        try await register.hello()
        say("  (a) through the register: the phone shows the result, the register reads it and sends RELAY")
        try await sale(payer: "alice", expect: .approved, relay: .throughRegister)
        say("  (b) over the store's network: the phone posts it to the relay address in the QR code")
        try await sale(payer: "bob", expect: .approved, relay: .overNetwork)

        heading("Result path 2: the settlement server pushes the result to the store")
        try await startRegisterd(paths: ["push"], auth: .mtls)
        try await sale(payer: "carol", expect: .approved)

        heading("Result path 3: the store queries the server's history")
        try await startRegisterd(paths: ["query"], auth: .mac)
        try await sale(payer: "dave", expect: .approved)

        heading("Any phone: the QR code is a link to settlementd's payment page (no app)")
        try await browserSale()

        heading("A tampered amount: the phone's QR code says ¥115 instead of ¥1155")
        let authorizationsBefore = try await cluster.bankAuthorizationCount()
        try await sale(payer: "alice", expect: .declined, tamperTotal: 115)
        let authorizationsAfter = try await cluster.bankAuthorizationCount()
        try check(authorizationsAfter == authorizationsBefore, "the tampered sale reached the bank")
        say("  the bank saw no authorization for it (\(authorizationsAfter) authorizations before and after)")

        heading("Checks")
        let holds = try await cluster.bankHolds()
        say(
            "  bank holds: \(holds.map { "\($0.currency) \($0.amount) on \($0.maskedPAN)" }.joined(separator: "; "))"
        )
        try check(
            holds.map(\.amount).sorted() == approvedAmounts.sorted(),
            "the bank's holds \(holds.map(\.amount)) differ from the approved sales \(approvedAmounts)")
        say(
            "  the bank's holds equal the \(approvedAmounts.count) approved sales, ¥\(approvedAmounts.reduce(0, +)) in all"
        )
        await cluster.stopRegisterd()
        let storeFiles =
            [cluster.directory + "/registerd.log", cluster.directory + "/registerd.conf"]
            + CardNumberScan.sqliteFiles(cluster.journalPath)
        let scan = CardNumberScan.findings(
            of: Self.cardNumbers, inFiles: storeFiles, traffic: register.traffic)
        try check(
            scan.findings.isEmpty, "card data on the store side: \(scan.findings.joined(separator: "; "))")
        say(
            "  no card number on the store side: \(scan.bytesChecked) bytes of registerd's log, journal and register traffic checked"
        )
        await cluster.shutdown()
        heading("Demo finished: every step did what it showed")
    }

    enum Relay {
        case none, throughRegister, overNetwork
    }

    /// One sale: the register rings up Fig. 5, the phone pays, the register gets the result.
    func sale(
        payer: String, expect expected: ResultStatus, relay: Relay = .none, tamperTotal: Int64? = nil
    ) async throws {
        guard let cluster, let register, let user = cluster.users[payer] else { return }
        receiptNumber += 1
        let receipt = String(format: "R-%04d", receiptNumber)
        say("")
        let request = try await register.ringUp(SimulatedRegister.figure5Sale(receipt: receipt))
        try showQRCode(request.phonePayload)
        var payload = request.phonePayload
        if let tamperTotal {
            payload = try InStoreCluster.tampered(payload, total: tamperTotal)
            say("  (someone altered the QR code: it now asks for ¥\(tamperTotal))")
        }
        var extra: [String] = []
        let relayFile = cluster.directory + "/\(receipt)-relay.txt"
        switch relay {
        case .none: break
        case .throughRegister: extra += ["--relay-out", relayFile]
        case .overNetwork: extra += ["--relay"]
        }
        say(
            "  phone (\(payer)) $ payagent pay <QR code> \(Self.describeAuthentication(user.arguments)) --yes\(extra.isEmpty ? "" : " " + extra[0])"
        )
        let (status, output) = try await cluster.pay(as: payer, payload: payload, extraArguments: extra)
        for line in output.split(separator: "\n") { say("  phone (\(payer)) │ \(Self.shortened(line))") }
        let expectedExit: Int32 = expected == .approved ? 0 : 2
        try check(status == expectedExit, "payagent exited \(status), expected \(expectedExit)")
        if relay == .throughRegister {
            let text = try String(contentsOfFile: relayFile, encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            try await register.relay(receipt: receipt, text: text)
        }
        let result = try await register.waitForResult()
        try check(
            result.status == expected, "the register got \(result.status.name), expected \(expected.name)")
        try check(result.orderID == request.orderID, "the result is for another order")
        if expected == .approved {
            try check(
                result.total == 1155 && result.cardLast4 != nil, "the approved result lacks total or card")
            approvedAmounts.append(result.total ?? 0)
        }
        for line in cluster.registerd?.log.split(separator: "\n") ?? [] where line.contains(request.orderID) {
            say("  registerd log │ \(Self.message(of: line))")
        }
    }

    /// The seed's main embodiment: the customer's browser opens the checkout link and pays on the
    /// page (headless Chromium when installed), the result reaches the register.
    func browserSale() async throws {
        guard let cluster, let register else { return }
        try await startRegisterd(
            paths: ["relay", "query"], auth: .mac,
            extra: phoneHost.map {
                ["checkout-url": "https://\($0):\(cluster.settlementPort)", "order-ttl-seconds": "180"]
            }
                ?? [:])
        receiptNumber += 1
        let receipt = String(format: "R-%04d", receiptNumber)
        let request = try await register.ringUp(SimulatedRegister.figure5Sale(receipt: receipt))
        let link = request.phonePayload
        try showQRCode(link)
        if phoneHost != nil {
            say(
                "  scan it with your phone's camera now (accept the certificate warning); waiting up to 3 minutes"
            )
            let result = try await register.waitForResult(within: .seconds(200))
            say("  register │ RESULT \(result.status.name), ¥\(result.total ?? 0)")
            if result.status == .approved { approvedAmounts.append(result.total ?? 0) }
            return
        }
        guard Browser.isInstalled else {
            say("  Chromium is not installed, so nobody pays this one here: open the link in a browser that")
            say(
                "  reaches \(cluster.settlementURL) (apt-get install chromium chromium-driver for the headless leg)"
            )
            _ = try await register.waitForResult(within: .seconds(90))
            return
        }
        let browser = try await Browser.launch(
            language: "en", logPath: cluster.directory + "/chromedriver.log")
        do {
            try await browser.open(link)
            say("  phone browser │ opens the link: \(try await browser.title())")
            say(
                "  phone browser │ shows shop \(try await browser.text("#merchant")), order \(try await browser.text("#order")), total \(try await browser.text("#total"))"
            )
            try await browser.type("#pan", "4111 1111 1111 1111")
            try await browser.type("#expiry", "12/30")
            try await browser.type("#cvc", "123")
            say(
                "  phone browser │ the customer types the card into the page (the store never sees it) and presses Pay"
            )
            try await browser.click("#pay")
            try await browser.wait(for: "h1.approved, h1.not-paid")
            say(
                "  phone browser │ result page: \(try await browser.text("h1")), \(try await browser.text(".reason"))"
            )
            await browser.quit()
        } catch {
            await browser.quit()
            throw error
        }
        let result = try await register.waitForResult()
        try check(
            result.status == .approved, "the register got \(result.status.name) for the browser's payment")
        say(
            "  register │ RESULT \(result.status.name), ¥\(result.total ?? 0), card ending \(result.cardLast4 ?? "?")"
        )
        approvedAmounts.append(result.total ?? 0)
    }

    func startRegisterd(
        paths: [String], auth: InStoreCluster.StoreAuthentication, extra: [String: String] = [:]
    ) async throws {
        guard let cluster, let register else { return }
        await cluster.stopRegisterd()
        let configuration = try cluster.writeRegisterdConfiguration(
            devicePath: register.devicePath, resultPaths: paths, storeAuthentication: auth, extra: extra)
        try await cluster.startRegisterd(configuration: configuration)
        let authentication = auth == .mac ? "request MAC (store key)" : "mutual TLS (store certificate)"
        say(
            "  registerd: result paths \(paths.joined(separator: ", ")); authenticates to settlementd by \(authentication)"
        )
        if let relay = cluster.relayEndpoint, paths.contains("relay") {
            say("  registerd: relay endpoint \(relay)")
        }
        if paths.contains("push") {
            say("  registerd: push receiver https://127.0.0.1:\(cluster.pushPort)/v1/push")
        }
    }

    /// The register's QR code of a payment request, drawn in the terminal (a phone camera reads it
    /// off the screen), and its text.
    func showQRCode(_ text: String) throws {
        say("  the register shows this QR code (\(text.utf8.count) characters):")
        let code = try QRCode(text: text)
        for line in code.terminalText().split(separator: "\n", omittingEmptySubsequences: true) {
            say("    " + line)
        }
        say("  \(text)")
    }

    static func describeAuthentication(_ arguments: [String]) -> String {
        guard let index = arguments.firstIndex(of: "--auth"), index + 1 < arguments.count else { return "" }
        let method = arguments[index + 1]
        let card =
            arguments.contains("--vault-reference")
            ? " --vault-reference <vaulted card>" : " --wallet <wallet>"
        return "--auth \(method)" + card
    }

    /// The message part of a swift-log line ("2026-… info registerd: [Label] message").
    static func message(of line: Substring) -> String {
        guard let range = line.range(of: "registerd: ") else { return String(line) }
        return String(line[range.upperBound...])
    }

    /// A phone output line, long relay texts shortened (the whole text went to the register).
    static func shortened(_ line: Substring) -> String {
        line.count > 100 ? String(line.prefix(72)) + "… (\(line.count) characters)" : String(line)
    }

    func check(_ condition: Bool, _ failure: String) throws {
        guard condition else { throw ClusterError.unexpected(failure) }
    }

    func heading(_ text: String) {
        Self.write("\n== \(text)")
    }

    func say(_ text: String) {
        Self.write(text)
    }

    /// Writes a line at once (print's buffer would hold it back when the output is a pipe).
    static func write(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
