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
                #expect(try await TLSProbe.presentedFingerprint(port: cluster.port) == first)

                // A new certificate from the same CA, moved into place, then SIGHUP.
                let issued = try directory.issueServer(
                    name: "renewed", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"])
                try TLSProbe.replace(directory.serverCertificatePath, with: issued.certificatePath)
                try TLSProbe.replace(directory.serverKeyPath, with: issued.keyPath)
                let renewed = try Self.fingerprint(ofFile: directory.serverCertificatePath)
                #expect(renewed != first)
                kill(server.processIdentifier, SIGHUP)
                #expect(
                    try await TLSProbe.eventually {
                        cluster.serverLog.contains("SIGHUP: presenting the TLS certificate read again")
                    })
                #expect(try await TLSProbe.presentedFingerprint(port: cluster.port) == renewed)
                // The API goes on answering over the new certificate.
                #expect(try await cluster.plain.send(.GET, cluster.base + "/health").status == 200)

                // A key that is not the certificate's: refused, the renewed pair stays.
                let other = try directory.issueServer(
                    name: "other", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"])
                try TLSProbe.replace(directory.serverKeyPath, with: other.keyPath)
                kill(server.processIdentifier, SIGHUP)
                #expect(
                    try await TLSProbe.eventually {
                        cluster.serverLog.contains("SIGHUP: kept the TLS certificate in use")
                    })
                #expect(server.isRunning)
                #expect(try await TLSProbe.presentedFingerprint(port: cluster.port) == renewed)

                let metrics = try await cluster.plain.send(.GET, cluster.base + "/metrics")
                let line = metrics.body.split(separator: "\n").first {
                    $0.hasPrefix("pairpay_tls_certificate_expiry_seconds{listener=\"api\"}")
                }
                let seconds = try #require(
                    line.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) })
                // The test CA issues for a year or more.
                #expect(seconds > 300 * 86_400, "\(line ?? "no gauge")")

                // After its reloads SIGTERM still stops it gracefully.
                #expect(await BuiltExecutable.stop(server), "settlementd did not stop within 15 s of SIGTERM")
                #expect(server.terminationReason == .exit && server.terminationStatus == 0)
                cluster.server = nil
            }
        }

        static func fingerprint(ofFile path: String) throws -> String {
            try CertificateFingerprint.sha256(pem: try String(contentsOfFile: path, encoding: .utf8))
        }
    }
}
