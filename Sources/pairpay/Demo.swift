import ArgumentParser
import Foundation
import InStoreCluster

#if canImport(Glibc)
import Glibc
#endif

/// `pairpay demo`: the whole in-store flow on this machine, narrated.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the in-store flow end to end: register, registerd, phone, settlement server, bank.",
        discussion: """
            Starts banksim, settlementd (SQLite, test certificates), registerd on a pty pair with a \
            simulated cash register, and payagent as the customer's phone, all as real processes on \
            loopback. The register rings up the seed's Fig. 5 basket (peanut butter ¥500, grape jelly \
            ¥600, consumption tax ¥55: ¥1155) once per result path — relayed by the phone (through the \
            register, and over the network), pushed by the server, queried from the server — then a \
            sale whose amount was tampered with, which is declined without a bank call. At the end it \
            checks that the bank's holds equal the approved payments and that no card number reached \
            the store side, stops every process, and exits 0 only if everything held.

            Everything is written to a temporary directory, removed afterwards unless --keep is given.
            """)

    @Option(help: "Directory for the demo's files (default: a new temporary directory).")
    var workdir: String?

    @Flag(help: "Keep the directory (logs, databases, certificates) afterwards.")
    var keep = false

    @Option(
        name: .customLong("phone-host"),
        help: """
            This machine's address as your phone reaches it (an IP address or name on your network):             settlementd then listens on every interface, the checkout link names this host, and the             browser sale waits up to 3 minutes for your phone to pay instead of headless Chromium. The             phone shows a certificate warning (the demo's own test CA): accept it to see the page.
            """)
    var phoneHost: String?

    func validate() throws {
        if let phoneHost {
            guard !phoneHost.isEmpty, phoneHost.utf8.count <= 253,
                phoneHost.allSatisfy({ ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") && $0.isASCII })
            else {
                throw ValidationError(
                    "--phone-host must be an IPv4 address or a host name, for example 192.168.1.20")
            }
        }
    }

    func run() async throws {
        let directory = workdir ?? Self.temporaryDirectory()
        let script = DemoScript(directory: directory, phoneHost: phoneHost)
        var failure: (any Error)?
        do {
            try await script.run()
        } catch {
            failure = error
        }
        await script.cluster?.shutdown()
        if keep || failure != nil {
            DemoScript.write("files kept in \(directory)")
        } else {
            try? FileManager.default.removeItem(atPath: directory)
        }
        if let failure {
            DemoScript.write("demo FAILED: \(failure)")
            throw ExitCode.failure
        }
    }

    static func temporaryDirectory() -> String {
        var template = Array((NSTemporaryDirectory() + "/pairpay-demo-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { return "/tmp/pairpay-demo-\(getpid())" }
        return String(cString: made)
    }
}
