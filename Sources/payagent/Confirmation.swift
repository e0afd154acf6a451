import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Asks the customer on the terminal before paying: on stdin when it is a terminal that did not
/// carry the payment code, else on `/dev/tty`.
enum Confirmation {
    /// Whether the answer to `question` was `y` or `yes`.
    /// - Throws: ``PayagentFailure`` when there is no terminal to ask on.
    static func ask(_ question: String, stdinCarriedPayload: Bool) throws -> Bool {
        if !stdinCarriedPayload, isatty(STDIN_FILENO) == 1 {
            FileHandle.standardError.write(Data((question + " ").utf8))
            return isYes(readLine())
        }
        guard let terminal = FileHandle(forUpdatingAtPath: "/dev/tty") else {
            throw PayagentFailure(
                "there is no terminal to ask \"\(question)\" on: read the order above and pass --yes to pay without asking"
            )
        }
        defer { try? terminal.close() }
        terminal.write(Data((question + " ").utf8))
        var line = Data()
        while true {
            let byte = terminal.readData(ofLength: 1)
            if byte.isEmpty || byte == Data([0x0A]) { break }
            line.append(byte)
        }
        return isYes(String(decoding: line, as: UTF8.self))
    }

    static func isYes(_ answer: String?) -> Bool {
        let word = (answer ?? "").trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        return word == "y" || word == "yes"
    }
}
