import AsyncHTTPClient
import Foundation
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// A real headless Chromium, driven over W3C WebDriver by Debian's `chromedriver`: what the
/// browser tests and the demo's browser leg use to pay through settlementd's page as a phone would.
///
/// It trusts any certificate (the cluster's CA is a test CA) and can emulate a phone's screen.
public final class Browser: @unchecked Sendable {
    // @unchecked: the driver process and the session id are set once, in `launch`.
    let driver: Process
    let base: String
    let session: String
    let logPath: String

    /// The Debian paths of the browser and its driver.
    public static let chromiumPath = "/usr/bin/chromium"
    public static let chromedriverPath = "/usr/bin/chromedriver"

    /// Whether Chromium and chromedriver are installed.
    public static var isInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: chromiumPath)
            && FileManager.default.isExecutableFile(atPath: chromedriverPath)
    }

    private init(driver: Process, base: String, session: String, logPath: String) {
        self.driver = driver
        self.base = base
        self.session = session
        self.logPath = logPath
    }

    /// Starts chromedriver on a free port and opens a headless Chromium session.
    /// - Parameters:
    ///   - phone: emulate a 390 × 844 phone screen (2× pixels, a mobile user agent).
    ///   - language: the browser's `Accept-Language`.
    public static func launch(
        phone: Bool = true, language: String = "en", logPath: String
    ) async throws -> Browser {
        guard isInstalled else { throw WebDriverError.notInstalled("chromium or chromedriver") }
        let port = try FreePort.pick()
        let driver = Process()
        driver.executableURL = URL(fileURLWithPath: chromedriverPath)
        driver.arguments = ["--port=\(port)", "--allowed-ips=127.0.0.1", "--log-path=\(logPath)"]
        driver.standardOutput = FileHandle.nullDevice
        driver.standardError = FileHandle.nullDevice
        try driver.run()
        let base = "http://127.0.0.1:\(port)"
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            if let status = try? await call("GET", base + "/status", nil),
                (status["value"] as? [String: Any])?["ready"] as? Bool == true
            {
                break
            }
            guard ContinuousClock.now < deadline, driver.isRunning else {
                await kill(driver)
                throw WebDriverError.driverUnavailable("no answer on port \(port)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        var arguments = [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--disable-extensions", "--lang=\(language)", "--window-size=\(phone ? "390,844" : "1280,900")",
        ]
        arguments.append("--accept-lang=\(language)")
        var options: [String: Any] = [
            "binary": chromiumPath, "args": arguments,
            "prefs": ["intl.accept_languages": language],
        ]
        if phone {
            options["mobileEmulation"] = [
                "deviceMetrics": ["width": 390, "height": 844, "pixelRatio": 2.0],
                "userAgent":
                    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Mobile Safari/537.36",
            ]
        }
        let capabilities: [String: Any] = [
            "capabilities": [
                "alwaysMatch": [
                    "browserName": "chrome", "acceptInsecureCerts": true, "goog:chromeOptions": options,
                ]
            ]
        ]
        do {
            let created = try await call("POST", base + "/session", capabilities)
            guard let session = (created["value"] as? [String: Any])?["sessionId"] as? String else {
                throw WebDriverError.driverUnavailable("no session id in \(created)")
            }
            return Browser(driver: driver, base: base, session: session, logPath: logPath)
        } catch {
            await kill(driver)
            throw error
        }
    }

    /// Ends chromedriver (it does not stop on SIGTERM) without blocking a thread on its exit.
    static func kill(_ driver: Process) async {
        let pid = driver.processIdentifier
        if pid > 0 { _ = Glibc.kill(pid, SIGKILL) }
        let deadline = ContinuousClock.now + .seconds(5)
        while driver.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Ends the session and the driver.
    public func quit() async {
        _ = try? await Self.call("DELETE", "\(base)/session/\(session)", nil)
        await Self.kill(driver)
    }

    // MARK: Navigation

    /// Opens `url` and waits for the page to load.
    public func open(_ url: String) async throws { _ = try await command("POST", "/url", ["url": url]) }

    public func back() async throws { _ = try await command("POST", "/back", [:]) }

    public func refresh() async throws { _ = try await command("POST", "/refresh", [:]) }

    /// The address of the page shown.
    public func currentURL() async throws -> String { try await command("GET", "/url", nil) as? String ?? "" }

    /// The page's HTML as the browser has it now.
    public func source() async throws -> String { try await command("GET", "/source", nil) as? String ?? "" }

    /// The page's `<title>`.
    public func title() async throws -> String { try await command("GET", "/title", nil) as? String ?? "" }

    /// A PNG of the viewport.
    public func screenshot() async throws -> [UInt8] {
        let base64 = try await command("GET", "/screenshot", nil) as? String ?? ""
        return Array(Data(base64Encoded: base64) ?? Data())
    }

    /// The page's cookies, name to value (also the HttpOnly ones: the browser's own view).
    public func cookies() async throws -> [String: String] {
        let list = try await command("GET", "/cookie", nil) as? [[String: Any]] ?? []
        var cookies: [String: String] = [:]
        for cookie in list {
            if let name = cookie["name"] as? String, let value = cookie["value"] as? String {
                cookies[name] = value
            }
        }
        return cookies
    }

    // MARK: Elements

    /// The element matching `css`; throws when there is none.
    public func element(_ css: String) async throws -> String {
        let found = try await command("POST", "/element", ["using": "css selector", "value": css])
        guard let object = found as? [String: Any],
            let id = object["element-6066-11e4-a52e-4f735466cecf"] as? String
        else {
            throw WebDriverError.command("find \(css)", error: "no such element", message: "\(found ?? "")")
        }
        return id
    }

    /// Whether an element matches `css`.
    public func has(_ css: String) async throws -> Bool {
        let found = try await command("POST", "/elements", ["using": "css selector", "value": css])
        return !((found as? [Any]) ?? []).isEmpty
    }

    /// Types `text` into the element matching `css`.
    public func type(_ css: String, _ text: String) async throws {
        let id = try await element(css)
        _ = try await command("POST", "/element/\(id)/clear", [:])
        _ = try await command("POST", "/element/\(id)/value", ["text": text])
    }

    /// Clicks the element matching `css`.
    public func click(_ css: String) async throws {
        let id = try await element(css)
        _ = try await command("POST", "/element/\(id)/click", [:])
    }

    /// The visible text of the element matching `css`.
    public func text(_ css: String) async throws -> String {
        let id = try await element(css)
        return try await command("GET", "/element/\(id)/text", nil) as? String ?? ""
    }

    /// Waits until an element matches `css`, refreshing nothing (pages refresh themselves).
    public func wait(for css: String, timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !(try await has(css)) {
            guard ContinuousClock.now < deadline else {
                throw WebDriverError.timedOut("\(css) on \((try? await currentURL()) ?? "?")")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Waits until the element matching `css` shows text containing `text`: after a click the old
    /// page may still be there for a moment, so an element alone proves nothing.
    public func wait(for css: String, containing text: String, timeout: Duration = .seconds(30)) async throws
    {
        let deadline = ContinuousClock.now + timeout
        while (try? await self.text(css))?.contains(text) != true {
            guard ContinuousClock.now < deadline else {
                throw WebDriverError.timedOut("\(css) with '\(text)' on \((try? await currentURL()) ?? "?")")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    // MARK: Wire

    func command(_ method: String, _ path: String, _ body: [String: Any]?) async throws -> Any? {
        let answer = try await Self.call(method, "\(base)/session/\(session)\(path)", body)
        return answer["value"].flatMap { $0 is NSNull ? nil : $0 }
    }

    /// One WebDriver request; the decoded JSON object. W3C errors become ``WebDriverError/command(_:error:message:)``.
    static func call(_ method: String, _ url: String, _ body: [String: Any]?) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: url)
        request.method = .RAW(value: method)
        if let body {
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
            request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        let object =
            (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any] ?? [:]
        if let value = object["value"] as? [String: Any], let error = value["error"] as? String {
            throw WebDriverError.command(
                "\(method) \(url.split(separator: "/").suffix(2).joined(separator: "/"))", error: error,
                message: value["message"] as? String ?? "")
        }
        return object
    }
}
