import Glibc
import Logging
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A swift-log handler writing one JSON object per line:
/// `{"level":"info","label":"pairpay.settlement","message":"…","metadata":{…},"ts":"2026-12-01T18:03:19.123Z"}`
/// (keys sorted, metadata values as strings). What is logged is unchanged: the daemons already
/// log card numbers by their last four digits only, and this handler adds nothing.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    let label: String
    let write: @Sendable (String) -> Void

    /// - Parameter write: receives each line, newline included.
    public init(label: String, write: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let line = Line(
            ts: Self.timestamp(Date()), level: event.level.rawValue, label: label,
            message: "\(event.message)",
            metadata: merged.isEmpty ? nil : merged.mapValues { "\($0)" })
        guard let data = try? Self.encoder.encode(line) else { return }
        write(String(decoding: data, as: UTF8.self) + "\n")
    }

    struct Line: Encodable {
        let ts: String
        let level: String
        let label: String
        let message: String
        let metadata: [String: String]?
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func timestamp(_ date: Date) -> String {
        date.formatted(
            .iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted)
        )
    }

    /// Writes a line to standard error in one `write(2)`, so lines from several threads never mix.
    public static let standardError: @Sendable (String) -> Void = { line in
        var bytes = Array(line.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }
}
