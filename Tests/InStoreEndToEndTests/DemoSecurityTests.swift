import Foundation
import InStoreCluster
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 6, security: the README's main job, run as a process, and everything the store side kept
/// afterwards searched for the card numbers the phones paid with.
@Suite("In store: the full demo leaves no card number on the store side", .serialized)
struct DemoSecurityTests {
    @Test("pairpay demo exits 0, and no store-side log, journal or configuration holds a card number")
    func demoLeavesNoCardNumberOnTheStoreSide() async throws {
        var template = Array("/tmp/pairpay-demo-test-XXXXXX".utf8CString)
        let directory = try #require(mkdtemp(&template).map { String(cString: $0) })
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let executables = ClusterExecutables()
        let (status, output) = try await executables.run(
            "pairpay", ["demo", "--workdir", directory, "--keep"], timeout: .seconds(240))
        #expect(status == 0, "\(output.suffix(3000))")
        #expect(output.contains("Demo finished"))
        // The phone's side did see the card (its wallet): the search must be able to find one.
        let phoneSide = CardNumberScan.findings(
            of: ["4111111111111111"], inFiles: [directory + "/alice-wallet.json"], traffic: [])
        #expect(phoneSide.findings.count == 1)
        // The store side: registerd's log, configuration and journal (with its WAL), and the
        // relay texts the register read from phones.
        let files = try FileManager.default.contentsOfDirectory(atPath: directory)
        let storeSide =
            files.filter { $0.hasPrefix("registerd") || $0.hasSuffix("-relay.txt") }.map {
                directory + "/" + $0
            }
        #expect(storeSide.contains(directory + "/registerd.log"))
        #expect(storeSide.contains(directory + "/registerd-journal.sqlite"))
        let scan = CardNumberScan.findings(
            of: ["4111111111111111", "5555555555554444"], inFiles: storeSide, traffic: [])
        #expect(scan.findings.isEmpty, "\(scan.findings)")
        #expect(scan.bytesChecked > 10_000)
        // Nor does any process outlive the demo.
        let pgrep = Process()
        pgrep.executableURL = URL(fileURLWithPath: "/usr/bin/pgrep")
        pgrep.arguments = ["-f", directory]
        let listing = Pipe()
        pgrep.standardOutput = listing
        try pgrep.run()
        pgrep.waitUntilExit()
        let left = String(decoding: listing.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(pgrep.terminationStatus == 1, "processes left behind: \(left)")
    }
}
