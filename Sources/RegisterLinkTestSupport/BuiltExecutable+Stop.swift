import Foundation

extension BuiltExecutable {
    /// Stops `process` with SIGTERM and waits for it without blocking the caller's thread; after
    /// `limit` it is killed (SIGKILL). Returns whether it ended by itself within `limit`, so a
    /// daemon that ignores SIGTERM fails its test instead of hanging the run.
    @discardableResult
    public static func stop(_ process: Process, within limit: Duration = .seconds(15)) async -> Bool {
        guard process.isRunning else { return true }
        process.terminate()
        let deadline = ContinuousClock.now + limit
        while process.isRunning, ContinuousClock.now < deadline, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(20))
        }
        guard process.isRunning else { return true }
        kill(process.processIdentifier, SIGKILL)
        while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        return false
    }
}
