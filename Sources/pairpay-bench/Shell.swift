import Foundation

/// Runs a program to completion and returns what it printed.
enum Shell {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// stdout and stderr together; throws on a non-zero exit.
    static func output(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil
    )
        throws -> String
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw Failure(description: "\(executable) \(arguments.joined(separator: " ")) failed: \(text)")
        }
        return text
    }
}
