import Foundation

/// registerd's configuration file: one `key = value` per line, keys named like the long options
/// without dashes (`device = /dev/pairpay-register`, `baud = 115200`), `#` starts a comment.
/// Options given on the command line win over the file.
struct ConfigurationFile {
    private(set) var values: [String: String] = [:]

    init() {}

    init(path: String) throws(ConfigurationFileError) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
                .trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty else { continue }
            let parts = line.split(separator: "=", maxSplits: 1).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard parts.count == 2, !parts[0].isEmpty else {
                throw .malformedLine(path: path, line: index + 1, text: String(rawLine))
            }
            guard Self.knownKeys.contains(parts[0]) else {
                throw .unknownKey(path: path, line: index + 1, key: parts[0])
            }
            values[parts[0]] = parts[1]
        }
    }

    static let knownKeys: Set<String> = [
        "device", "transport", "baud", "data-bits", "parity", "stop-bits", "flow-control", "terminal-id",
        "inter-byte-timeout-ms", "ack-timeout-ms", "max-retransmissions", "progress-interval-ms", "log-level",
        "journal", "settlement-url", "settlement-ca", "merchant-id", "store-auth", "client-cert",
        "client-key",
        "mac-key-id", "mac-key-file", "server-public-key", "result-paths", "relay-listen", "relay-url",
        "payload-format", "checkout-url",
        "push-listen",
        "push-cert", "push-key", "push-secret-file", "poll-interval-ms", "order-ttl-seconds",
    ]

    subscript(key: String) -> String? { values[key] }
}

/// A configuration file that cannot be used, and where.
enum ConfigurationFileError: Error, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case malformedLine(path: String, line: Int, text: String)
    case unknownKey(path: String, line: Int, key: String)

    var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read configuration file \(path): \(reason)"
        case .malformedLine(let path, let line, let text):
            return "\(path):\(line): expected 'key = value', found '\(text)'"
        case .unknownKey(let path, let line, let key):
            let known = ConfigurationFile.knownKeys.sorted().joined(separator: ", ")
            return "\(path):\(line): unknown key '\(key)'; known keys: \(known)"
        }
    }
}
