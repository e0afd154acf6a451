import Foundation

extension BuiltExecutable {
    /// Starts `name` with its standard error appended to `stderr`, and waits (at most 30 s) for
    /// a standard-output line containing `marker` (`listening on …`), which it returns.
    /// - Parameter environment: variables added to this process's environment for it.
    /// - Throws: ``BuiltExecutableError`` when it is not built or did not start.
    public static func launch(
        _ name: String, _ arguments: [String], marker: String, stderr: String,
        environment: [String: String] = [:]
    ) async throws -> (Process, String) {
        guard let path = path(name) else { throw BuiltExecutableError.missing(name) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let output = Pipe()
        process.standardOutput = output
        if !FileManager.default.fileExists(atPath: stderr) {
            _ = FileManager.default.createFile(atPath: stderr, contents: nil)
        }
        guard let errorFile = FileHandle(forWritingAtPath: stderr) else {
            throw BuiltExecutableError.didNotStart(name, "cannot write \(stderr)")
        }
        errorFile.seekToEndOfFile()
        process.standardError = errorFile
        try process.run()
        let watchdog = Task.detached {
            try await Task.sleep(for: .seconds(30))
            if process.isRunning { process.terminate() }
        }
        defer { watchdog.cancel() }
        let handle = output.fileHandleForReading
        let line = await offThePool { () -> String in
            var data = Data()
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                data.append(chunk)
                let text = String(decoding: data, as: UTF8.self)
                if let found = text.split(separator: "\n").first(where: { $0.contains(marker) }),
                    text.contains("\n")
                {
                    return String(found)
                }
            }
            return String(decoding: data, as: UTF8.self)
        }
        guard line.contains(marker), process.isRunning else {
            let log = (try? String(contentsOfFile: stderr, encoding: .utf8)) ?? ""
            throw BuiltExecutableError.didNotStart(name, "\(line) \(log.suffix(2000))")
        }
        return (process, line)
    }

    /// Runs `name` with `stdin` (plus a newline) as its input and returns its output.
    /// - Throws: ``BuiltExecutableError/failed(_:_:)`` on a non-zero exit.
    public static func runChecked(
        _ name: String, _ arguments: [String], stdin: String? = nil
    ) async throws -> String {
        guard let path = path(name) else { throw BuiltExecutableError.missing(name) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data((stdin + "\n").utf8)) }
        try input.fileHandleForWriting.close()
        let data = await offThePool { output.fileHandleForReading.readDataToEndOfFile() }
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw BuiltExecutableError.failed("\(name) \(arguments.prefix(2).joined(separator: " "))", text)
        }
        return text
    }
}

extension BuiltExecutable {
    /// The value of a `PREFIX VALUE` line in a command's output (`pairpay enroll` prints
    /// `mac key id mk_…`, `mac key 9f…`), VALUE being one word, so that `mac key ` does not
    /// match the `mac key id` line; nil when there is none.
    public static func value(after prefix: String, in output: String) -> String? {
        output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .first { $0.hasPrefix(prefix) && !$0.dropFirst(prefix.count).contains(" ") }
            .map { String($0.dropFirst(prefix.count)) }
    }
}
