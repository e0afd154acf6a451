import Foundation
import PairPayCore
import PairPayPKI
import RegisterLinkTestSupport
import Testing

extension SettlementdProcessTests {
    /// settlementd's own certificate replaced while it runs (issue 16): SIGHUP makes the next
    /// handshake present the new one, a broken pair is refused and the old one kept (the server
    /// goes on serving), and /metrics says when the presented certificate ends.
    @Suite("settlementd end to end: TLS certificate reload on SIGHUP")
    struct CertificateReloadTests {
        @Test func sighupPresentsTheNewCertificateAndABrokenOneIsRefused() async throws {
            try await SettlementCluster.with { cluster in
                try await cluster.startServer([])
                let server = try #require(cluster.server)
                let directory = cluster.pki.directory
                let first = try Self.fingerprint(ofFile: directory.serverCertificatePath)
                #expect(try await Self.presentedFingerprint(cluster.port) == first)

                // A new certificate from the same CA, moved into place, then SIGHUP.
                let issued = try directory.issueServer(
                    name: "renewed", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"])
                try Self.replace(directory.serverCertificatePath, with: issued.certificatePath)
                try Self.replace(directory.serverKeyPath, with: issued.keyPath)
                let renewed = try Self.fingerprint(ofFile: directory.serverCertificatePath)
                #expect(renewed != first)
                kill(server.processIdentifier, SIGHUP)
                #expect(
                    try await Self.eventually {
                        cluster.serverLog.contains("SIGHUP: presenting the TLS certificate read again")
                    })
                #expect(try await Self.presentedFingerprint(cluster.port) == renewed)
                // The API goes on answering over the new certificate.
                #expect(try await cluster.plain.send(.GET, cluster.base + "/health").status == 200)

                // A key that is not the certificate's: refused, the renewed pair stays.
                let other = try directory.issueServer(
                    name: "other", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"])
                try Self.replace(directory.serverKeyPath, with: other.keyPath)
                kill(server.processIdentifier, SIGHUP)
                #expect(
                    try await Self.eventually {
                        cluster.serverLog.contains("SIGHUP: kept the TLS certificate in use")
                    })
                #expect(server.isRunning)
                #expect(try await Self.presentedFingerprint(cluster.port) == renewed)

                let metrics = try await cluster.plain.send(.GET, cluster.base + "/metrics")
                let line = metrics.body.split(separator: "\n").first {
                    $0.hasPrefix("pairpay_tls_certificate_expiry_seconds{listener=\"api\"}")
                }
                let seconds = try #require(
                    line.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) })
                // The test CA issues for a year or more.
                #expect(seconds > 300 * 86_400, "\(line ?? "no gauge")")
            }
        }

        /// Copies `source` over `path` by a rename, as an operator's deployment would.
        static func replace(_ path: String, with source: String) throws {
            let staged = path + ".new"
            try? FileManager.default.removeItem(atPath: staged)
            try FileManager.default.copyItem(atPath: source, toPath: staged)
            guard rename(staged, path) == 0 else { throw TestFailure("cannot rename \(staged): \(errno)") }
        }

        static func fingerprint(ofFile path: String) throws -> String {
            try CertificateFingerprint.sha256(pem: try String(contentsOfFile: path, encoding: .utf8))
        }

        /// The SHA-256 fingerprint (lowercase hex) of the certificate a new TLS connection to
        /// `port` is presented, as `openssl s_client` sees it.
        static func presentedFingerprint(_ port: Int) async throws -> String {
            let output = try await Self.shell(
                "openssl s_client -connect 127.0.0.1:\(port) </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256"
            )
            // "sha256 Fingerprint=AB:CD:…"
            guard let equals = output.firstIndex(of: "=") else {
                throw TestFailure("openssl printed no fingerprint: \(output)")
            }
            return output[output.index(after: equals)...].filter { $0 != ":" && !$0.isWhitespace }
                .lowercased()
        }

        /// What `command` (sh) prints on stdout; its output is read on a thread of its own.
        static func shell(_ command: String) async throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", command]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let data = await offThePool { output.fileHandleForReading.readDataToEndOfFile() }
            while process.isRunning { try await Task.sleep(for: .milliseconds(10)) }
            return String(decoding: data, as: UTF8.self)
        }

        /// Whether `condition` holds within 10 s, asked every 50 ms.
        static func eventually(_ condition: () -> Bool) async throws -> Bool {
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline {
                if condition() { return true }
                try await Task.sleep(for: .milliseconds(50))
            }
            return condition()
        }
    }
}
