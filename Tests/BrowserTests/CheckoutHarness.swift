import AsyncHTTPClient
import Foundation
import InStoreCluster
import NIOCore
import NIOSSL
import PairPayCore
import RegisterProtocol
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The in-store system as processes (banksim, settlementd, registerd, a simulated register on a
/// pty) and a real headless Chromium as the customer's phone, per test.
enum Checkout {
    /// Where the page screenshots go: `.build/screenshots`, or `PAIRPAY_SCREENSHOT_DIR` (set it to
    /// `docs/screenshots` to refresh the ones docs/BROWSER.md shows).
    static let screenshots: URL = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        guard let directory = ProcessInfo.processInfo.environment["PAIRPAY_SCREENSHOT_DIR"],
            !directory.isEmpty
        else {
            return root.appendingPathComponent(".build/screenshots")
        }
        return directory.hasPrefix("/")
            ? URL(fileURLWithPath: directory) : root.appendingPathComponent(directory)
    }()

    static func with(
        paths: [String] = ["relay", "query"], orderTTLSeconds: Int = 60, language: String = "en",
        bankArguments: [String] = [],
        _ body: (InStoreCluster, SimulatedRegister, Browser) async throws -> Void
    ) async throws {
        // CI installs Chromium (scripts/install-deps.sh); without it this suite fails, never skips.
        try #require(Browser.isInstalled, "chromium and chromium-driver are not installed")
        var template = Array("/tmp/pairpay-browser-XXXXXX".utf8CString)
        let directory = try #require(mkdtemp(&template).map { String(cString: $0) })
        let cluster = try InStoreCluster(directory: directory, executables: ClusterExecutables())
        var browser: Browser?
        do {
            try await cluster.prepare()
            try await cluster.startBank(extraArguments: bankArguments)
            try await cluster.startSettlement()
            let register = try SimulatedRegister()
            let configuration = try cluster.writeRegisterdConfiguration(
                devicePath: register.devicePath, resultPaths: paths, storeAuthentication: .mac,
                orderTTLSeconds: orderTTLSeconds)
            try await cluster.startRegisterd(configuration: configuration)
            try await register.hello()
            browser = try await Browser.launch(language: language, logPath: directory + "/chromedriver.log")
            try await body(cluster, register, browser!)
            await browser?.quit()
            await cluster.shutdown()
            try? FileManager.default.removeItem(atPath: directory)
        } catch {
            if let browser, let page = try? await browser.source() {
                try? page.write(toFile: directory + "/last-page.html", atomically: true, encoding: .utf8)
            }
            await browser?.quit()
            await cluster.shutdown()
            Issue.record("logs kept in \(directory)")
            throw error
        }
    }

    /// Saves the viewport as docs/screenshots/NAME.png.
    static func screenshot(_ browser: Browser, _ name: String) async throws {
        let png = try await browser.screenshot()
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "a screenshot is a PNG")
        try FileManager.default.createDirectory(at: screenshots, withIntermediateDirectories: true)
        try Data(png).write(to: screenshots.appendingPathComponent(name + ".png"))
    }

    /// Polls the page until its HTML contains `marker` and returns that snapshot of it.
    static func firstSource(
        of browser: Browser, containing marker: String, timeout: Duration = .seconds(30)
    ) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while true {
            let page = try await browser.source()
            if page.contains(marker) { return page }
            guard ContinuousClock.now < deadline else {
                Issue.record("no page with \(marker) within \(timeout); the last was: \(page.prefix(400))")
                return page
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Fills the guest card form and presses pay.
    static func payByCard(
        _ browser: Browser, pan: String = "4111 1111 1111 1111", expiry: String = "12/30", cvc: String = "123"
    ) async throws {
        try await browser.type("#pan", pan)
        try await browser.type("#expiry", expiry)
        try await browser.type("#cvc", cvc)
        try await browser.click("#pay")
    }

    /// One form post over TLS (the test CA is not checked: loopback only), as a browser sends it;
    /// returns the HTTP status.
    static func post(_ url: String, form: String, cookie: String) async throws -> Int {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .none
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.redirectConfiguration = .disallow
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        defer { _ = client.shutdown() }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Cookie", value: cookie)
        request.body = .bytes(ByteBuffer(string: form))
        let response = try await client.execute(request, timeout: .seconds(30))
        return Int(response.status.code)
    }

    /// The RESULT frames the register received for `receipt`.
    static func results(_ register: SimulatedRegister, receipt: String) -> [TransactionResult] {
        register.line.receivedMessages.compactMap { message in
            if case .result(let result) = message, result.receipt == receipt { return result }
            return nil
        }
    }
}
