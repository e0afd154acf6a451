import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// registerd running as a child in its own mount namespace (see ``NamespaceHarness``), with its
/// standard error collected in a file for the test to wait on and to show when something fails.
final class RegisterdProcess {
    private let process = Process()
    let logPath: String
    private let workDirectory: String

    /// Starts `unshare ... sh -c <script>`; the script ends with `exec registerd`, so the child's
    /// pid is registerd's. The log goes to `workDirectory/registerd.log`; the directory is removed
    /// when this object goes away.
    init(script: String, workDirectory: String) throws {
        self.workDirectory = workDirectory
        self.logPath = workDirectory + "/registerd.log"
        guard FileManager.default.createFile(atPath: logPath, contents: nil) else {
            throw HarnessError("cannot create \(logPath)")
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.executableURL = URL(
            fileURLWithPath: NamespaceHarness.executable(named: "unshare") ?? "/usr/bin/unshare")
        process.arguments = ["--mount", "--propagation", "private", "sh", "-c", script]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        try process.run()
        try? log.close()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: workDirectory)
    }

    /// Everything registerd (and the namespace script) wrote so far.
    var log: String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    /// Waits until the log contains `text`; `false` if registerd exits or the time runs out first.
    func waitForLog(containing text: String, timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if log.contains(text) { return true }
            if !process.isRunning { return log.contains(text) }
            usleep(50_000)
        }
        return log.contains(text)
    }

    /// Whether registerd is still running.
    var isRunning: Bool { process.isRunning }

    /// Stops registerd with SIGTERM (SIGKILL after 5 s) and waits for it.
    func stop() {
        guard process.isRunning else { return }
        let pid = process.processIdentifier
        process.terminate()
        let deadline = ContinuousClock.now + .seconds(5)
        while process.isRunning, ContinuousClock.now < deadline { usleep(20_000) }
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
    }
}
