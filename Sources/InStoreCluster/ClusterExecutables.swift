import Foundation
import RegisterLinkTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Finds the package's programs (banksim, settlementd, registerd, payagent, pairpay): next to the
/// running program (an installed set, or `.build/debug` for `swift run` and tests).
public struct ClusterExecutables: Sendable {
    /// The directory searched first.
    public let directory: String

    /// Looks next to the running executable, then in `fallback` (for test bundles).
    public init(fallback: String? = nil) {
        var candidates: [String] = []
        if let me = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(URL(fileURLWithPath: me).deletingLastPathComponent().path)
        }
        if let fallback { candidates.append(fallback) }
        directory =
            candidates.first {
                access($0 + "/registerd", X_OK) == 0 && access($0 + "/settlementd", X_OK) == 0
            }
            ?? candidates.first ?? "."
    }

    /// The path of `name`.
    /// - Throws: ``ClusterError/missingExecutable(_:)`` when it is not built.
    public func path(_ name: String) throws -> String {
        let path = directory + "/" + name
        guard access(path, X_OK) == 0 else { throw ClusterError.missingExecutable(name) }
        return path
    }

    /// Runs `name` to completion and returns its exit status and output (stdout + stderr).
    public func run(
        _ name: String, _ arguments: [String], input: String? = nil, timeout: Duration = .seconds(60)
    ) async throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try path(name))
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let inputPipe = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : inputPipe
        try process.run()
        if let input {
            inputPipe.fileHandleForWriting.write(Data(input.utf8))
            try? inputPipe.fileHandleForWriting.close()
        }
        let reader = Task { await offThePool { output.fileHandleForReading.readDataToEndOfFile() } }
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline {
                process.terminate()
                throw ClusterError.timedOut(name, "did not finish within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        let data = await reader.value
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
