import Foundation
import PairPayPKI
import RegisterLinkTestSupport
import Testing

extension RegisterdSettlementOptionsTests {
    /// registerd's push receiver certificate replaced while it runs (issue 16): SIGHUP makes the
    /// next connection get the new one, a key that is not the certificate's is refused and the old
    /// pair kept, and registerd goes on (a SIGHUP never ends it) until SIGTERM.
    @Test func sighupGivesThePushReceiverItsNewCertificate() async throws {
        let files = try Files()
        let register = try FakeRegister()
        let path = try #require(BuiltExecutable.path("registerd"))
        let log = files.dir + "/registerd.log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        var arguments = files.base
        arguments[1] = register.devicePath
        process.arguments =
            arguments + [
                "--result-paths", "push,query", "--push-listen", "127.0.0.1:0", "--push-cert",
                files.pki.serverCertificatePath, "--push-key", files.pki.serverKeyPath, "--push-secret-file",
                files.dir + "/push.secret",
            ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try process.run()
        defer {
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
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
        let push = try #require(
            text.split(separator: "\n").first { $0.hasPrefix("push receiver on https://127.0.0.1:") },
            "\(text)")
        let port = try #require(Int(push.split(separator: ":").last ?? ""))
        func logged() -> String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
        func fingerprint(_ file: String) throws -> String {
            try CertificateFingerprint.sha256(pem: try String(contentsOfFile: file, encoding: .utf8))
        }
        let first = try fingerprint(files.pki.serverCertificatePath)
        #expect(try await TLSProbe.presentedFingerprint(port: port) == first)

        let renewed = try files.pki.issueServer(
            name: "renewed", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"])
        try TLSProbe.replace(files.pki.serverCertificatePath, with: renewed.certificatePath)
        try TLSProbe.replace(files.pki.serverKeyPath, with: renewed.keyPath)
        kill(process.processIdentifier, SIGHUP)
        #expect(
            try await TLSProbe.eventually {
                logged().contains("SIGHUP: the push listener presents the certificate")
            })
        #expect(try await TLSProbe.presentedFingerprint(port: port) == fingerprint(renewed.certificatePath))

        // A key that is not the certificate's: refused, the renewed pair stays, registerd goes on.
        let other = try files.pki.issueServer(
            name: "other", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"])
        try TLSProbe.replace(files.pki.serverKeyPath, with: other.keyPath)
        kill(process.processIdentifier, SIGHUP)
        #expect(
            try await TLSProbe.eventually {
                logged().contains("SIGHUP: the push listener kept its certificate")
            })
        #expect(process.isRunning)
        #expect(try await TLSProbe.presentedFingerprint(port: port) == fingerprint(renewed.certificatePath))

        kill(process.processIdentifier, SIGTERM)
        for _ in 0..<200 where process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!process.isRunning && process.terminationStatus == 0)
    }
}
