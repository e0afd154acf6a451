import DaemonSupport
import Foundation
import Logging
import Synchronization
import Testing

@Suite("Options from the command line, the environment and the configuration file")
struct OptionSourcesTests {
    let sources = OptionSources(
        keys: ["port", "database", "log-level", "tls-cert"], environmentPrefix: "SETTLEMENTD_")

    func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("conf-\(UUID().uuidString)")
            .path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func theCommandLineWinsOverTheEnvironmentWhichWinsOverTheFile() throws {
        let path = try file(
            """
            # settlementd
            port = 1111
            database = postgres://file@db/pay   # trailing comment
            log-level = debug
            """)
        let arguments = try sources.arguments(
            commandLine: ["--config", path, "--port", "3333"],
            environment: ["SETTLEMENTD_PORT": "2222", "SETTLEMENTD_LOG_LEVEL": "warning", "HOME": "/root"])
        // ArgumentParser keeps the last value of an option: file, then environment, then command line.
        #expect(
            arguments == [
                "--database", "postgres://file@db/pay", "--log-level", "debug", "--port", "1111",
                "--log-level", "warning", "--port", "2222", "--config", path, "--port", "3333",
            ])
        #expect(Self.last("--port", in: arguments) == "3333")
        #expect(Self.last("--log-level", in: arguments) == "warning")
        #expect(Self.last("--database", in: arguments) == "postgres://file@db/pay")
    }

    @Test func theConfigurationFileMayBeNamedInTheEnvironment() throws {
        let path = try file("tls-cert = /etc/pairpay/server.pem\n")
        let arguments = try sources.arguments(
            commandLine: [], environment: ["SETTLEMENTD_CONFIG": path])
        #expect(arguments == ["--tls-cert", "/etc/pairpay/server.pem"])
        #expect(sources.environmentVariable(for: "tls-cert") == "SETTLEMENTD_TLS_CERT")
    }

    @Test func anUnknownKeyOrALineWithoutEqualsNamesTheLine() throws {
        let unknown = try file("port = 1\nlisten-adress = 0.0.0.0\n")
        #expect(throws: ConfigurationFileError.self) {
            _ = try sources.arguments(commandLine: ["--config=\(unknown)"], environment: [:])
        }
        do {
            _ = try sources.arguments(commandLine: ["--config=\(unknown)"], environment: [:])
        } catch {
            #expect(error.description.contains(":2: unknown key 'listen-adress'"))
            #expect(error.description.contains("known keys: database, log-level, port, tls-cert"))
        }
        let malformed = try file("port 1\n")
        do {
            _ = try sources.arguments(commandLine: ["--config", malformed], environment: [:])
            Issue.record("a line without '=' was accepted")
        } catch {
            #expect(error.description.contains(":1: expected 'key = value', found 'port 1'"))
        }
        do {
            _ = try sources.arguments(
                commandLine: ["--config", "/nonexistent/settlementd.conf"], environment: [:])
            Issue.record("a missing file was accepted")
        } catch {
            #expect(
                error.description.contains("cannot read configuration file /nonexistent/settlementd.conf"))
        }
    }

    @Test func withoutFileOrEnvironmentTheCommandLineIsUnchanged() throws {
        #expect(
            try sources.arguments(commandLine: ["--port", "1", "--", "--config"], environment: [:]) == [
                "--port", "1", "--", "--config",
            ])
    }

    static func last(_ option: String, in arguments: [String]) -> String? {
        Array(zip(arguments, arguments.dropFirst())).last { $0.0 == option }?.1
    }
}

@Suite("JSON log lines")
struct JSONLogHandlerTests {
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
    }

    @Test func oneObjectPerLineWithLevelLabelMessageAndMetadata() throws {
        let captured = Lines()
        var handler = JSONLogHandler(label: "pairpay.test") { line in
            captured.lines.withLock { $0.append(line) }
        }
        handler.logLevel = .info
        handler[metadataKey: "instance"] = "a"
        let logger = Logger(label: "pairpay.test", factory: { _ in handler })
        logger.debug("not written")
        logger.info("order \"PP-1\" approved\nsecond line", metadata: ["card-last4": "1111"])
        let lines = captured.lines.withLock { $0 }
        #expect(lines.count == 1)
        let line = try #require(lines.first)
        #expect(
            line.hasSuffix("}\n") && line.filter { $0 == "\n" }.count == 1, "one line, the newline escaped")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["level"] as? String == "info")
        #expect(object["label"] as? String == "pairpay.test")
        #expect(object["message"] as? String == "order \"PP-1\" approved\nsecond line")
        #expect(object["metadata"] as? [String: String] == ["instance": "a", "card-last4": "1111"])
        let timestamp = try #require(object["ts"] as? String)
        #expect(
            timestamp.count == 24 && timestamp.hasSuffix("Z"),
            "ISO 8601 with milliseconds in UTC: \(timestamp)")
    }

    @Test func textAndJSONAreTheFormats() {
        #expect(LogFormat(rawValue: "json") == .json && LogFormat(rawValue: "text") == .text)
        #expect(LogFormat(rawValue: "xml") == nil)
    }
}
