import Logging
import Synchronization

/// A log handler that keeps every line, so tests can check what was (and was not) logged.
public struct CapturingLogHandler: LogHandler {
    /// The lines logged so far, shared by every copy of the handler.
    public final class Lines: Sendable {
        private let storage = Mutex<[String]>([])

        public init() {}

        public var all: [String] { storage.withLock { $0 } }

        func append(_ line: String) { storage.withLock { $0.append(line) } }
    }

    public let lines: Lines
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]

    public init(lines: Lines, logLevel: Logger.Level = .debug) {
        self.lines = lines
        self.logLevel = logLevel
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        lines.append("\(event.level) \(event.message)")
    }

    /// A logger writing into `lines`.
    public static func logger(_ lines: Lines, level: Logger.Level = .debug) -> Logger {
        Logger(label: "test") { _ in CapturingLogHandler(lines: lines, logLevel: level) }
    }
}
