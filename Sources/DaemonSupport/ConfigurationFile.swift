#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A PairPay daemon's configuration file (registerd, settlementd): one `key = value` per line,
/// keys named like the long options without dashes (`device = /dev/pairpay-register`,
/// `baud = 115200`), `#` starts a comment. Options given on the command line win over the file.
public struct ConfigurationFile: Sendable {
    public private(set) var values: [String: String] = [:]
    /// The keys the daemon knows (its long option names).
    public let knownKeys: Set<String>

    /// No file: every key is unset.
    public init(knownKeys: Set<String> = []) {
        self.knownKeys = knownKeys
    }

    /// Reads `path`.
    /// - Throws: ``ConfigurationFileError`` naming the file, the line and what is wrong.
    public init(path: String, knownKeys: Set<String>) throws(ConfigurationFileError) {
        self.knownKeys = knownKeys
        let text: String
        do {
            text = try TextFile.read(path)
        } catch {
            throw .unreadable(path: path, reason: error.description)
        }
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
                .trimmingBlanks()
            guard !line.isEmpty else { continue }
            let parts = line.split(separator: "=", maxSplits: 1).map {
                $0.trimmingBlanks()
            }
            guard parts.count == 2, !parts[0].isEmpty else {
                throw .malformedLine(path: path, line: index + 1, text: String(rawLine))
            }
            guard knownKeys.contains(parts[0]) else {
                throw .unknownKey(path: path, line: index + 1, key: parts[0], known: knownKeys)
            }
            values[parts[0]] = parts[1]
        }
    }

    public subscript(key: String) -> String? { values[key] }
}

/// A configuration file that cannot be used, and where.
public enum ConfigurationFileError: Error, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case malformedLine(path: String, line: Int, text: String)
    case unknownKey(path: String, line: Int, key: String, known: Set<String>)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read configuration file \(path): \(reason)"
        case .malformedLine(let path, let line, let text):
            return "\(path):\(line): expected 'key = value', found '\(text)'"
        case .unknownKey(let path, let line, let key, let known):
            return
                "\(path):\(line): unknown key '\(key)'; known keys: \(known.sorted().joined(separator: ", "))"
        }
    }
}

extension StringProtocol {
    /// Without spaces and tabs at either end (a configuration line holds no line break).
    fileprivate func trimmingBlanks() -> String {
        guard let first = firstIndex(where: { $0 != " " && $0 != "\t" }),
            let last = lastIndex(where: { $0 != " " && $0 != "\t" })
        else { return "" }
        return String(self[first...last])
    }
}
