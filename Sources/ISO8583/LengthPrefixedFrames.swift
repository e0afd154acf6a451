/// TCP framing for ISO 8583: every message is preceded by its length as 2 bytes, big-endian.
///
/// Feed received bytes with ``append(_:)`` and take whole messages with ``nextFrame()``.
public struct LengthPrefixedFrames: Sendable {
    /// The largest frame body accepted (the 2-byte header allows up to 65 535).
    public let maximumFrameLength: Int
    private var buffer: [UInt8] = []

    public init(maximumFrameLength: Int = 8192) {
        self.maximumFrameLength = min(maximumFrameLength, Int(UInt16.max))
    }

    /// Adds received bytes.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        buffer.append(contentsOf: bytes)
    }

    /// The next complete frame body, or `nil` when more bytes are needed.
    /// - Throws: ``ISO8583Error/invalidFrameLength(_:maximum:)`` for a zero or oversize header;
    ///   the connection should then be closed, because the byte stream can no longer be trusted.
    public mutating func nextFrame() throws(ISO8583Error) -> [UInt8]? {
        guard buffer.count >= 2 else { return nil }
        let length = Int(buffer[0]) << 8 | Int(buffer[1])
        guard length > 0, length <= maximumFrameLength else {
            throw .invalidFrameLength(length, maximum: maximumFrameLength)
        }
        guard buffer.count >= 2 + length else { return nil }
        let frame = Array(buffer[2..<2 + length])
        buffer.removeFirst(2 + length)
        return frame
    }

    /// Prefixes a message with its 2-byte big-endian length.
    /// - Throws: ``ISO8583Error/invalidFrameLength(_:maximum:)`` when the message is empty or too long.
    public static func frame(
        _ message: [UInt8], maximumFrameLength: Int = Int(UInt16.max)
    ) throws(ISO8583Error)
        -> [UInt8]
    {
        let maximum = min(maximumFrameLength, Int(UInt16.max))
        guard !message.isEmpty, message.count <= maximum else {
            throw .invalidFrameLength(message.count, maximum: maximum)
        }
        return [UInt8(message.count >> 8), UInt8(message.count & 0xFF)] + message
    }
}
