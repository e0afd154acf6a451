import ArgumentParser
import Logging

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// How a daemon writes its log lines to standard error.
public enum LogFormat: String, Sendable, CaseIterable, ExpressibleByArgument {
    /// swift-log's plain text lines, for people.
    case text
    /// One JSON object per line (``JSONLogHandler``), for log collectors.
    case json

    /// Bootstraps swift-log for the whole process with this format at `level`.
    public func bootstrap(level: Logger.Level) {
        LoggingSystem.bootstrap { label in self.handler(label: label, level: level) }
    }

    /// A handler for `label` in this format.
    public func handler(label: String, level: Logger.Level) -> any LogHandler {
        switch self {
        case .text:
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        case .json:
            var handler = JSONLogHandler(label: label, write: JSONLogHandler.standardError)
            handler.logLevel = level
            return handler
        }
    }
}
