import Foundation
import Logging
import PairPayCore
import PairPayPKI
import Register
import Testing

@testable import StoreGateway

/// registerd's HTTPS client on its own, against socat servers that misbehave in one way each: a
/// certificate from another CA, a server that takes the request and never answers, an answer
/// too large to accept. What matters is the split the transaction core acts on: `unreachable`
/// only when the request certainly did not go out, `noAnswer` when the server may have it.
@Suite("SettlementClient: a TLS connection per request, and whether a failed one may have arrived")
struct SettlementClientTests {
    @Test func theHostAndPortOfTheSettlementURL() {
        func parsed(_ url: String) -> String? {
            SettlementClient.hostAndPort(of: url).map { "\($0.0) \($0.1)" }
        }
        #expect(parsed("https://127.0.0.1:8443") == "127.0.0.1 8443")
        #expect(parsed("https://settle.example.com") == "settle.example.com 443")
        #expect(parsed("https://[::1]:9443") == "::1 9443")
        #expect(parsed("http://127.0.0.1:8443") == nil)
        #expect(parsed("https://:8443") == nil)
        #expect(SettlementClient.hostHeader("https://[::1]:9443") == "[::1]:9443")
    }

    /// The whole answer is read, and the request carries what settlementd needs: the path, the
    /// Host, `Connection: close` and the request MAC's four headers.
    @Test func anAnswerIsReadWholeAndTheRequestIsWellFormed() async throws {
        try await Self.withPKI { pki in
            let requestFile = pki.path + "/request.txt"
            // Reads the head (up to its empty line), keeps it, then answers.
            let script =
                ScriptedTLSServer.readHead(into: requestFile)
                + "printf 'HTTP/1.1 201 Created\\r\\nContent-Length: 5\\r\\n\\r\\nhello'"
            let server = try ScriptedTLSServer(pki: pki, script: script)
            defer { server.stop() }
            let client = try SettlementClient(
                configuration: Self.configuration(pki, port: server.port), logger: Logger(label: "test"))
            let reply = try await client.send(.GET, "/v1/orders/PP-1")
            #expect(reply.status == 201)
            #expect(String(decoding: reply.body, as: UTF8.self) == "hello")
            let request = try String(contentsOfFile: requestFile, encoding: .utf8).lowercased()
            #expect(request.hasPrefix("get /v1/orders/pp-1 http/1.1\r\n"))
            #expect(request.contains("host: 127.0.0.1:\(server.port)\r\n"))
            #expect(request.contains("connection: close\r\n"))
            for header in [
                RequestMAC.keyIDHeader, RequestMAC.timestampHeader, RequestMAC.nonceHeader,
                RequestMAC.signatureHeader,
            ] {
                #expect(request.contains(header.lowercased() + ": "), "no \(header) header")
            }
        }
    }

    /// The server's certificate comes from another CA: the handshake stops before a byte of the
    /// request is written, so the request certainly did not arrive.
    @Test func aServerWithACertificateFromAnotherCAIsUnreachable() async throws {
        try await Self.withPKI { pki in
            try await Self.withPKI { stranger in
                let server = try ScriptedTLSServer(pki: stranger, script: "sleep 5")
                defer { server.stop() }
                let client = try SettlementClient(
                    configuration: Self.configuration(pki, port: server.port), logger: Logger(label: "test"))
                await #expect {
                    _ = try await client.send(.POST, "/v1/orders", body: Array("{}".utf8))
                } throws: { error in
                    guard case SettlementGatewayError.unreachable = error else { return false }
                    return true
                }
            }
        }
    }

    /// The server takes the request and never answers: after the request timeout the call is
    /// `noAnswer` (the server may have acted), not `unreachable`.
    @Test func aServerThatTakesTheRequestAndNeverAnswersIsNoAnswer() async throws {
        try await Self.withPKI { pki in
            let server = try ScriptedTLSServer(pki: pki, script: "cat > /dev/null")
            defer { server.stop() }
            let client = try SettlementClient(
                configuration: Self.configuration(pki, port: server.port, timeout: .seconds(1)),
                logger: Logger(label: "test"))
            await #expect {
                _ = try await client.send(.POST, "/v1/orders/PP-1/cancel")
            } throws: { error in
                guard case SettlementGatewayError.noAnswer(let detail) = error else { return false }
                return detail.contains("no answer within the request timeout")
            }
        }
    }

    /// An answer larger than the client takes (256 KiB) is refused; the server had the request.
    @Test func anAnswerLargerThan256KiBIsNoAnswer() async throws {
        try await Self.withPKI { pki in
            let size = 300 * 1024
            // Answers once the request's head is in (an answer before the request is a
            // different failure: "unsolicited response").
            let script =
                ScriptedTLSServer.readHead(into: "/dev/null")
                + "printf 'HTTP/1.1 200 OK\\r\\nContent-Length: \(size)\\r\\n\\r\\n'; head -c \(size) /dev/zero"
            let server = try ScriptedTLSServer(pki: pki, script: script)
            defer { server.stop() }
            let client = try SettlementClient(
                configuration: Self.configuration(pki, port: server.port), logger: Logger(label: "test"))
            await #expect {
                _ = try await client.send(.GET, "/v1/orders/PP-1")
            } throws: { error in
                guard case SettlementGatewayError.noAnswer(let detail) = error else { return false }
                return detail.contains("larger than \(256 * 1024) bytes")
            }
        }
    }

    static func configuration(
        _ pki: PKIDirectory, port: Int, timeout: Duration = .seconds(5)
    ) -> StoreGatewayConfiguration {
        StoreGatewayConfiguration(
            settlementURL: "https://127.0.0.1:\(port)", settlementCAPath: pki.caCertificatePath,
            merchantID: "shop-client", authentication: .mac(keyID: "k1", key: Array(repeating: 7, count: 32)),
            serverPublicKey: Array(repeating: 0, count: 32), resultPaths: [.query], requestRetries: 0,
            requestTimeout: timeout)
    }

    static func withPKI<T>(_ body: (PKIDirectory) async throws -> T) async throws -> T {
        let path = NSTemporaryDirectory() + "pairpay-client-\(UUID().uuidString)"
        let pki = PKIDirectory(path: path)
        try pki.initialize()
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try await body(pki)
    }
}

/// socat terminating TLS with `pki`'s server certificate and running `script` (sh) for each
/// connection, its standard input and output the connection's plain text.
final class ScriptedTLSServer: Sendable {
    let port: Int
    let process: Process

    init(pki: PKIDirectory, script: String) throws {
        port = try freePort()
        // In a file: socat's address syntax would take the script's commas and quotes as its own.
        let scriptPath = pki.path + "/server-\(port).sh"
        try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/socat")
        process.arguments = [
            "OPENSSL-LISTEN:\(port),bind=127.0.0.1,reuseaddr,fork,cert=\(pki.serverCertificatePath),key=\(pki.serverKeyPath),verify=0",
            "EXEC:/bin/sh \(scriptPath)",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if OneWayTLSProxy.accepts(port) { return }
            usleep(20_000)
        }
        stop()
        throw TestFailure("socat did not listen on \(port)")
    }

    /// sh that reads the request's head, up to its empty line, appending it to `file`.
    static func readHead(into file: String) -> String {
        "while IFS= read -r line; do printf '%s\\n' \"$line\" >> \(file); "
            + "[ \"$line\" = \"$(printf '\\r')\" ] && break; done; "
    }

    /// SIGKILL: a child of the test process inherits its blocked signals, SIGTERM among them.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
