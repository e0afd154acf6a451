import Logging
import Synchronization

/// Log lines kept in memory, so tests can check what was logged and, above all, what was not:
/// no card number, key or password may appear, in a message or in its metadata.
///
/// Each line is `level message`, followed by the merged metadata as sorted `key=value` pairs
/// when there is any.
public final class CapturedLog: Sendable {
    private let storage = Mutex<[String]>([])

    public init() {}

    /// Every line so far, oldest first.
    public var lines: [String] { storage.withLock { $0 } }

    /// Every line so far, joined by newlines.
    public var text: String { lines.joined(separator: "\n") }

    /// A logger writing into this capture.
    public func logger(label: String = "test", level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: label) { _ in Handler(log: self) }
        logger.logLevel = level
        return logger
    }

    fileprivate func append(_ line: String) { storage.withLock { $0.append(line) } }

    struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            var line = "\(event.level) \(event.message)"
            if !all.isEmpty { line += " " + all.map { "\($0)=\($1)" }.sorted().joined(separator: " ") }
            log.append(line)
        }
    }
}
