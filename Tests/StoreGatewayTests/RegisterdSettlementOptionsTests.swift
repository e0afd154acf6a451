import Crypto
import Foundation
import PairPayCore
import PairPayPKI
import RegisterLinkTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// registerd's settlement options: each bad one refused with its name, secret files that others
/// can read refused, and a configured registerd printing its gateway and listener lines.
@Suite struct RegisterdSettlementOptionsTests {
    /// A directory with a CA, a MAC key file (0600), a push secret and a server public key.
    final class Files {
        let dir = NSTemporaryDirectory() + "registerd-settlement-\(UUID().uuidString)"
        let pki: PKIDirectory

        init() throws {
            pki = PKIDirectory(path: dir)
            try pki.initialize()
            try write("mac.key", String(repeating: "ab", count: 32))
            try write("push.secret", String(repeating: "cd", count: 32))
            try write(
                "server.pub",
                Hex.encode(Array(Curve25519.Signing.PrivateKey().publicKey.rawRepresentation)) + "\n",
                mode: 0o644)
        }

        deinit { try? FileManager.default.removeItem(atPath: dir) }

        @discardableResult
        func write(_ name: String, _ text: String, mode: Int = 0o600) throws -> String {
            let path = dir + "/" + name
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
            return path
        }

        var base: [String] {
            [
                "--device", "/dev/null", "--settlement-url", "https://127.0.0.1:9", "--settlement-ca",
                pki.caCertificatePath, "--merchant-id", "M-1", "--store-auth", "mac", "--mac-key-id", "mk_1",
                "--mac-key-file", dir + "/mac.key", "--server-public-key", dir + "/server.pub",
            ]
        }
    }

    @Test(arguments: [
        (["--store-auth", "token"], "The value 'token' is invalid for '--store-auth <store-auth>'"),
        (["--result-paths", "relay,pigeon"], "--result-paths: 'pigeon' is not a result path"),
        (["--poll-interval-ms", "50"], "--poll-interval-ms: must be between 100 and 8000"),
        (["--order-ttl-seconds", "5"], "--order-ttl-seconds: must be between 10 and 3600"),
        (["--relay-listen", "127.0.0.1:99999"], "--relay-listen: '127.0.0.1:99999' must be HOST:PORT"),
        (["--result-paths", "push"], "--push-listen is required when result-paths has push"),
        (
            ["--result-paths", "push", "--push-listen", "127.0.0.1:0"],
            "--push-cert is required with push-listen"
        ),
        (
            ["--push-listen", "127.0.0.1:0"],
            "--push-listen: nothing would use it: --result-paths (relay,query) has no push; add it to --result-paths"
        ),
        (
            ["--result-paths", "push,query", "--relay-listen", "127.0.0.1:0"],
            "--relay-listen: nothing would use it: --result-paths (push,query) has no relay"
        ),
        (
            ["--settlement-url", "http://127.0.0.1:9"],
            "--settlement-url: 'http://127.0.0.1:9' must be https://HOST:PORT"
        ),
        (
            ["--merchant-id", "has space"],
            "--merchant-id: must be 1 to 32 characters from A-Z a-z 0-9 - . _ ~"
        ),
        (["--store-auth", "mtls"], "--client-cert is required with store-auth mtls"),
        (["--relay-url", "ftp://x"], "--relay-url: 'ftp://x' must be an http:// or https:// URL"),
    ])
    func badSettlementOptionsAreRefusedWithTheirName(extra: [String], message: String) async throws {
        let files = try Files()
        let (status, output) = try await BuiltExecutable.run("registerd", files.base + extra)
        #expect(status != 0)
        #expect(output.contains(message), "expected '\(message)' in: \(output)")
    }

    @Test func missingAndOpenKeyFilesAreRefused() async throws {
        let files = try Files()
        var (status, output) = try await BuiltExecutable.run(
            "registerd", ["--device", "/dev/null", "--settlement-url", "https://127.0.0.1:9"])
        #expect(status != 0)
        #expect(output.contains("--settlement-ca is required with settlement-url"), "\(output)")

        let open = try files.write("open.key", String(repeating: "ab", count: 32), mode: 0o644)
        (status, output) = try await BuiltExecutable.run("registerd", files.base + ["--mac-key-file", open])
        #expect(status != 0)
        #expect(output.contains("--mac-key-file \(open) is readable by other users (mode 0644)"), "\(output)")
        #expect(output.contains("chmod 600"))

        let badKey = try files.write("bad.pub", "not hex\n")
        (status, output) = try await BuiltExecutable.run(
            "registerd", files.base + ["--server-public-key", badKey])
        #expect(status != 0)
        #expect(
            output.contains("--server-public-key \(badKey): must hold the server's Ed25519 public key"),
            "\(output)")

        let conf = try files.write("registerd.conf", "device = /dev/null\nresult-paths = relay\n")
        (status, output) = try await BuiltExecutable.run("registerd", ["--config", conf])
        #expect(status != 0)
        #expect(output.contains("--settlement-url is required when result-paths is set"), "\(output)")
    }

    /// A relay port another program holds: registerd exits with an error naming the option, and
    /// the register's device is never opened.
    @Test func aRelayPortInUseStopsRegisterdNamingTheOption() async throws {
        let files = try Files()
        let register = try FakeRegister()
        let holder = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(holder >= 0)
        defer { close(holder) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(holder, $0, length) == 0 && listen(holder, 1) == 0
                    && getsockname(holder, $0, &length) == 0
            }
        }
        try #require(bound)
        let port = Int(UInt16(bigEndian: address.sin_port))
        var arguments = files.base
        arguments[1] = register.devicePath
        let (status, output) = try await BuiltExecutable.run(
            "registerd", arguments + ["--relay-listen", "127.0.0.1:\(port)"])
        #expect(status != 0)
        #expect(output.contains("--relay-listen: the listener on 127.0.0.1:\(port)"), "\(output)")
        #expect(!output.contains("link open"), "\(output)")
    }

    @Test func aConfiguredRegisterdPrintsItsGatewayAndListeners() async throws {
        let files = try Files()
        let register = try FakeRegister()
        let path = try #require(BuiltExecutable.path("registerd"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        var arguments = files.base
        arguments[1] = register.devicePath
        process.arguments =
            arguments + [
                "--result-paths", "relay,push,query", "--relay-listen", "127.0.0.1:0", "--push-listen",
                "127.0.0.1:0",
                "--push-cert", files.pki.serverCertificatePath, "--push-key", files.pki.serverKeyPath,
                "--push-secret-file", files.dir + "/push.secret",
            ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
            }
        }
        let handle = output.fileHandleForReading
        let text = await offThePool { () -> String in
            var data = Data()
            while !String(decoding: data, as: UTF8.self).contains("push receiver on") {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                data.append(chunk)
            }
            return String(decoding: data, as: UTF8.self)
        }
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == "settlement gateway ready (result paths: relay,push,query)", "\(text)")
        let relay = try #require(
            lines.first { $0.hasPrefix("relay endpoint on http://127.0.0.1:") }, "\(text)")
        let push = try #require(
            lines.first { $0.hasPrefix("push receiver on https://127.0.0.1:") }, "\(text)")
        let relayPort = try #require(Int(relay.split(separator: ":").last ?? ""))
        let pushPort = try #require(Int(push.split(separator: ":").last ?? ""))
        #expect(relayPort > 0 && pushPort > 0)
        #expect(BuiltExecutable.isListening(port: relayPort) && BuiltExecutable.isListening(port: pushPort))

        // SIGTERM: graceful shutdown of the whole group, the link and both listeners, exit 0.
        process.terminate()
        let deadline = ContinuousClock.now + .seconds(10)
        while process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(!process.isRunning, "registerd still runs 10 s after SIGTERM")
        if !process.isRunning {
            #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        }
        #expect(
            !BuiltExecutable.isListening(port: relayPort) && !BuiltExecutable.isListening(port: pushPort),
            "a listener outlived registerd")
    }
}
