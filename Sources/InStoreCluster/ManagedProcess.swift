import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A child process of the cluster (banksim, settlementd, registerd): its standard output and
/// error go to one log file, which ``waitForLine(containing:timeout:)`` reads.
public final class ManagedProcess: @unchecked Sendable {
    /// Short name for messages ("settlementd").
    public let name: String
    /// The log file holding the process's output.
    public let logPath: String
    let executable: String
    let arguments: [String]
    private var process: Process?

    /// - Parameters:
    ///   - executable: absolute path of the program.
    ///   - logPath: file that receives standard output and standard error (appended to).
    public init(name: String, executable: String, arguments: [String], logPath: String) {
        self.name = name
        self.executable = executable
        self.arguments = arguments
        self.logPath = logPath
    }

    /// Whether the process is running.
    public var isRunning: Bool { process?.isRunning ?? false }

    /// The process id, while it runs.
    public var pid: Int32? { isRunning ? process?.processIdentifier : nil }

    /// Starts the process; its output is appended to ``logPath``.
    /// - Throws: ``ClusterError/cannotStart(_:_:)`` when it cannot be run.
    public func start() throws {
        if !FileManager.default.fileExists(atPath: logPath) {
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        }
        guard let log = FileHandle(forWritingAtPath: logPath) else {
            throw ClusterError.cannotStart(name, "cannot write \(logPath)")
        }
        log.seekToEndOfFile()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw ClusterError.cannotStart(name, "\(error)")
        }
        try? log.close()
        self.process = process
    }

    /// The log so far.
    public var log: String {
        FileManager.default.contents(atPath: logPath).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// Waits until the log has a line containing `text` (after `offset` bytes) and returns it.
    /// - Throws: ``ClusterError/timedOut(_:_:)`` or ``ClusterError/exited(_:_:)``.
    @discardableResult
    public func waitForLine(
        containing text: String, after offset: Int = 0, timeout: Duration = .seconds(60)
    ) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while true {
            // Read the time before the log: a starved test process still sees a line that came in time.
            let expired = ContinuousClock.now >= deadline
            let lines = String(decoding: Array(log.utf8.dropFirst(offset)), as: UTF8.self)
            if let line = lines.split(separator: "\n").first(where: { $0.contains(text) }) {
                return String(line)
            }
            if !isRunning {
                throw ClusterError.exited(name, Self.tail(of: log))
            }
            if expired {
                throw ClusterError.timedOut(
                    name, "no line containing '\(text)'; last lines:\n\(Self.tail(of: log))")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The current size of the log, to wait for lines written after now.
    public var logSize: Int { log.utf8.count }

    /// Stops the process with SIGTERM, then SIGKILL after `grace`.
    public func stop(grace: Duration = .seconds(5)) async {
        guard let process, process.isRunning else { return }
        process.terminate()
        let deadline = ContinuousClock.now + grace
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// Kills the process with SIGKILL, as a crash or power cut would, and reaps it.
    public func kill9() {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    static func tail(of text: String, lines: Int = 15) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).map { "    " + $0 }
            .joined(separator: "\n")
    }
}
