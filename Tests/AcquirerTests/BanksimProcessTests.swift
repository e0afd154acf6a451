import Acquirer
import Foundation
import PairPayCore
import Testing

/// The real `banksim` executable as a separate process, driven by the acquirer over TCP.
@Suite struct BanksimProcessTests {
    /// `banksim` is built next to the test bundle by `swift build --build-tests`.
    static var banksimURL: URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("banksim")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/banksim")
    }

    static var sampleAccounts: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("banksim/accounts.sample.json").path
    }

    /// Runs banksim with `arguments`; returns its standard output when it exits by itself.
    static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = banksimURL
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test func acquirerAgainstBanksimProcessThenLedgerExport() async throws {
        let link = try Link()
        let state = link.directory.appendingPathComponent("banksim.sqlite").path
        let process = Process()
        process.executableURL = Self.banksimURL
        process.arguments = [
            "serve", "--accounts", Self.sampleAccounts, "--state", state, "--port", "0", "--status-interval",
            "0",
            "--log-level", "warning",
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        defer {
            if process.isRunning { process.terminate() }
        }
        // First line: "banksim listening on 127.0.0.1:PORT ..."
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        let port = try #require(
            text.split(separator: " ").first { $0.hasPrefix("127.0.0.1:") }.flatMap {
                Int($0.dropFirst("127.0.0.1:".count).trimmingCharacters(in: CharacterSet(charactersIn: ",;")))
            }, "banksim did not print its port: \(text)")

        let acquirer = try await link.acquirer(port: port)
        guard case .approved(let approval) = try await acquirer.authorize(try Link.request(cvc: "123")) else {
            Issue.record("sample visa-credit card was not approved")
            return
        }
        #expect(
            try await acquirer.authorize(
                try Link.request(pan: "5555555555554444", expiry: "3006", cvc: "456", amount: 5000))
                == .declined(.insufficientFunds))
        guard
            case .approved(let second) = try await acquirer.authorize(
                try Link.request(amount: 200, order: "o-2"))
        else {
            Issue.record("second approval failed")
            return
        }
        #expect(
            try await acquirer.reverse(ReversalRequest(authorization: second.reference, reason: .cancelled))
                == .acknowledged)
        await acquirer.shutdown()

        let holds = try Self.run(["ledger", "holds", "--state", state])
        let holdLines = holds.split(separator: "\n").dropFirst()
        #expect(holdLines.count == 1)
        #expect(holdLines.first?.contains(approval.retrievalReferenceNumber) == true)
        let csv = try Self.run(["ledger", "export", "--state", state, "--format", "csv"])
        #expect(csv.split(separator: "\n").count == 1 + 4)  // header, 3 authorizations, 1 reversal
        #expect(!csv.contains("4111111111111111"))
        let json = try Self.run(["ledger", "export", "--state", state, "--format", "json"])
        #expect(json.contains("\"response_code\" : \"51\""))
        process.terminate()
        process.waitUntilExit()
    }
}
