import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Finds and runs the package's executables (registerd, banksim) from tests.
public enum BuiltExecutable {
    /// The executable `name` built next to this test binary (or in the default `.build/debug`).
    public static func path(_ name: String) -> String? {
        var candidates: [String] = []
        if let me = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(URL(fileURLWithPath: me).deletingLastPathComponent().path + "/" + name)
        }
        if let first = CommandLine.arguments.first, first.hasPrefix("/") {
            candidates.append(URL(fileURLWithPath: first).deletingLastPathComponent().path + "/" + name)
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        candidates.append(root + "/.build/debug/" + name)
        return candidates.first { access($0, X_OK) == 0 }
    }

    /// Runs the executable to completion (at most `timeout`) and returns its status and output.
    public static func run(
        _ name: String, _ arguments: [String], timeout: Duration = .seconds(20)
    ) async throws -> (status: Int32, output: String) {
        guard let path = path(name) else { throw BuiltExecutableError.missing(name) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let reader = Task { await offThePool { pipe.fileHandleForReading.readDataToEndOfFile() } }
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline {
                process.terminate()
                throw BuiltExecutableError.timedOut(name)
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        let data = await reader.value
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// An executable the tests need is not there.
public enum BuiltExecutableError: Error, CustomStringConvertible {
    case missing(String)
    case timedOut(String)
    /// It ended, or never printed its ready line; what it said.
    case didNotStart(String, String)
    /// It exited non-zero; its output.
    case failed(String, String)

    public var description: String {
        switch self {
        case .missing(let name): "\(name) is not built: run `swift build --product \(name)` first"
        case .timedOut(let name): "\(name) did not finish in time"
        case .didNotStart(let name, let detail): "\(name) did not start: \(detail)"
        case .failed(let command, let output): "\(command) failed: \(output)"
        }
    }
}
