import Foundation
import PairPayPKI
import Testing
import X509

@Suite("PKI")
struct PKITests {
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "pairpay-pki-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func initWritesCAAndServerAndClientCertificatesThatChain() async throws {
        let dir = PKIDirectory(path: try Self.temporaryDirectory())
        try dir.initialize()
        let ca = try Certificate(
            pemEncoded: try String(contentsOfFile: dir.caCertificatePath, encoding: .utf8))
        let server = try Certificate(
            pemEncoded: try String(contentsOfFile: dir.serverCertificatePath, encoding: .utf8))
        #expect(server.issuer == ca.subject)
        let names = try #require(try server.extensions.subjectAlternativeNames)
        #expect(names.contains(.dnsName("localhost")))
        let issued = try dir.issueClient(id: "shop-1", kind: .merchant)
        let client = try Certificate(
            pemEncoded: try String(contentsOfFile: issued.certificatePath, encoding: .utf8))
        #expect(client.issuer == ca.subject)
        #expect(try CertificateFingerprint.sha256(client) == issued.fingerprint)
        #expect(issued.fingerprint.count == 64)
        // The chain verifies against the CA with the X509 verifier.
        var verifier = Verifier(rootCertificates: CertificateStore([ca])) {
            RFC5280Policy(validationTime: Date())
        }
        let result = await verifier.validate(leafCertificate: client, intermediates: CertificateStore())
        guard case .validCertificate = result else {
            Issue.record("client certificate does not chain to the CA: \(result)")
            return
        }
        let mode = try FileManager.default.attributesOfItem(atPath: issued.keyPath)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func nothingIsOverwritten() throws {
        let dir = PKIDirectory(path: try Self.temporaryDirectory())
        try dir.initialize()
        #expect(throws: PKIError.self) { try dir.initialize() }
        _ = try dir.issueClient(id: "alice", kind: .user)
        #expect(throws: PKIError.self) { try dir.issueClient(id: "alice", kind: .user) }
    }
}
