import Foundation

/// What a TLS server presents, as `openssl s_client` sees it: for the tests of certificate
/// reloads (settlementd's and registerd's SIGHUP).
public enum TLSProbe {
    /// The SHA-256 fingerprint (lowercase hex, no colons) of the certificate a new TLS
    /// connection to `port` on 127.0.0.1 is presented.
    public static func presentedFingerprint(port: Int) async throws -> String {
        let output = try await shell(
            "openssl s_client -connect 127.0.0.1:\(port) </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256"
        )
        // "sha256 Fingerprint=AB:CD:…"
        guard let equals = output.firstIndex(of: "=") else {
            throw TLSProbeError(description: "openssl printed no fingerprint for port \(port): \(output)")
        }
        return output[output.index(after: equals)...].filter { $0 != ":" && !$0.isWhitespace }.lowercased()
    }

    /// What `command` (sh) prints on stdout; its output is read on a thread of its own.
    public static func shell(_ command: String) async throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = await offThePool { output.fileHandleForReading.readDataToEndOfFile() }
        while process.isRunning { try await Task.sleep(for: .milliseconds(10)) }
        return String(decoding: data, as: UTF8.self)
    }

    /// Puts a copy of `source` at `path` by a rename, as an operator's deployment would (no
    /// half-written file is ever read).
    public static func replace(_ path: String, with source: String) throws {
        let staged = path + ".new"
        try? FileManager.default.removeItem(atPath: staged)
        try FileManager.default.copyItem(atPath: source, toPath: staged)
        guard rename(staged, path) == 0 else {
            throw TLSProbeError(description: "cannot rename \(staged) to \(path): errno \(errno)")
        }
    }

    /// Whether `condition` holds within `limit`, asked every 50 ms.
    public static func eventually(
        _ limit: Duration = .seconds(10), _ condition: () -> Bool
    ) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return condition()
    }
}

/// A probe that could not run.
public struct TLSProbeError: Error, CustomStringConvertible {
    public let description: String
}
