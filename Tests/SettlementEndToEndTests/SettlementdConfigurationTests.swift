import AsyncHTTPClient
import Foundation
import RegisterLinkTestSupport
import Testing

extension SettlementdProcessTests {
    /// settlementd's options from a configuration file and `SETTLEMENTD_…` variables, under the
    /// command line; JSON log lines; readiness.
    @Suite("settlementd configuration file, environment and readiness")
    struct SettlementdConfigurationTests {
        @Test func fileThenEnvironmentThenCommandLine() async throws {
            try await SettlementCluster.with { cluster in
                let config = cluster.dir + "/settlementd.conf"
                try """
                # everything settlementd needs, as an operator would write it
                tls-cert = \(cluster.pki.directory.serverCertificatePath)
                tls-key = \(cluster.pki.directory.serverKeyPath)
                client-ca = \(cluster.pki.directory.caCertificatePath)
                db = \(cluster.db)
                acquirer-state = \(cluster.dir)/acquirer.sqlite
                vault-key = \(cluster.dir)/vault.key
                signing-key = \(cluster.dir)/signing.key
                acquirer-port = \(cluster.bankPort)
                port = 1
                log-level = error
                """.write(toFile: config, atomically: true, encoding: .utf8)
                let stderr = cluster.dir + "/configured.stderr"
                // The environment's port (0: any) wins over the file's; the command line's level over both.
                let (process, line) = try await BuiltExecutable.launch(
                    "settlementd", ["--config", config, "--log-level", "info"],
                    marker: "listening on https://",
                    stderr: stderr, environment: ["SETTLEMENTD_PORT": "0", "SETTLEMENTD_LOG_FORMAT": "json"])
                defer {
                    process.terminate()
                    process.waitUntilExit()
                }
                let address = try #require(
                    line.split(separator: " ").first { $0.hasPrefix("https://127.0.0.1:") })
                #expect(!address.hasSuffix(":1"))
                let ready = try await cluster.plain.send(.GET, String(address) + "/ready")
                #expect(ready.status == 200)
                #expect(ready.body == #"{"checks":{"bank":"ok","database":"ok"},"status":"ready"}"#)
                let log = try String(contentsOfFile: stderr, encoding: .utf8)
                let lines = log.split(separator: "\n")
                #expect(!lines.isEmpty, "nothing logged at info")
                for text in lines {
                    let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
                    #expect(
                        object?["level"] != nil && object?["message"] != nil, "not a JSON log line: \(text)")
                }

                // The bank goes away: still alive, no longer ready (a load balancer stops sending).
                cluster.bank?.terminate()
                cluster.bank?.waitUntilExit()
                // settlementd learns the connection closed when its event loop reads the EOF,
                // which on a loaded machine can come after the next /ready: ask for up to 10 s.
                var unready = try await cluster.plain.send(.GET, String(address) + "/ready")
                let deadline = ContinuousClock.now + .seconds(10)
                while unready.status == 200, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(100))
                    unready = try await cluster.plain.send(.GET, String(address) + "/ready")
                }
                #expect(unready.status == 503)
                #expect(
                    unready.body == #"{"checks":{"bank":"failing","database":"ok"},"status":"not-ready"}"#)
                #expect(try await cluster.plain.send(.GET, String(address) + "/health").status == 200)
            }
        }

        @Test func theFileMaySetEveryOptionTheHelpShowsAndNothingElse() async throws {
            let options = try await BuiltExecutable.helpOptions("settlementd").subtracting(["config"])
            let known = try await BuiltExecutable.configurationKeys("settlementd")
            #expect(
                !known.isEmpty && known == options,
                "file keys and --help differ: \(known.symmetricDifference(options))")
        }
    }
}
