import Foundation
import RegisterLinkTestSupport
import Testing

/// One `payagent` process: stdout and stderr kept apart (stderr in a file, readable while it runs).
final class PayagentRun {
    let process: Process
    let stderrPath: String
    let stdoutData: Task<Data, Never>

    struct Finished {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    private init(process: Process, stderrPath: String, stdoutData: Task<Data, Never>) {
        self.process = process
        self.stderrPath = stderrPath
        self.stdoutData = stdoutData
    }

    var isRunning: Bool { process.isRunning }
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    static func start(_ arguments: [String], stdin: String? = nil) throws -> PayagentRun {
        let path = try #require(BuiltExecutable.path("payagent"), "payagent is not built")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        let stderrPath = NSTemporaryDirectory() + "payagent-\(UUID().uuidString).stderr"
        #expect(FileManager.default.createFile(atPath: stderrPath, contents: nil))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let reader = Task { await offThePool { output.fileHandleForReading.readDataToEndOfFile() } }
        return PayagentRun(process: process, stderrPath: stderrPath, stdoutData: reader)
    }

    /// Runs to the end (at most 60 s).
    static func run(_ arguments: [String], stdin: String? = nil) async throws -> Finished {
        try await start(arguments, stdin: stdin).finish(within: .seconds(60))
    }

    /// Waits for `text` on stderr; looks once more after the deadline before failing.
    func waitForStderr(_ text: String, within limit: Duration) async throws {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if stderr.contains(text) { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        if stderr.contains(text) { return }
        throw TestFailure("payagent did not write \"\(text)\" within \(limit): \(stderr)")
    }

    /// Waits for the exit (stopping the process after `limit`, looking once more first).
    func finish(within limit: Duration) async throws -> Finished {
        let deadline = ContinuousClock.now + limit
        while process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            throw TestFailure("payagent did not finish within \(limit): \(stderr)")
        }
        process.waitUntilExit()
        let stdout = String(decoding: await stdoutData.value, as: UTF8.self)
        let finished = Finished(status: process.terminationStatus, stdout: stdout, stderr: stderr)
        try? FileManager.default.removeItem(atPath: stderrPath)
        return finished
    }
}
