import ISO8583
import NIOCore

/// Splits the inbound byte stream into ISO 8583 messages using the 2-byte big-endian length header.
///
/// A zero or oversize header throws ``ISO8583Error/invalidFrameLength(_:maximum:)``, which closes
/// the connection: after a bad header the stream cannot be resynchronised.
public struct ISO8583FrameDecoder: ByteToMessageDecoder, Sendable {
    public typealias InboundOut = ByteBuffer

    /// The largest message body accepted.
    public let maximumFrameLength: Int

    public init(maximumFrameLength: Int = 8192) {
        self.maximumFrameLength = maximumFrameLength
    }

    public mutating func decode(
        context: ChannelHandlerContext, buffer: inout ByteBuffer
    ) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt16.self) else {
            return .needMoreData
        }
        guard length > 0, Int(length) <= maximumFrameLength else {
            throw ISO8583Error.invalidFrameLength(Int(length), maximum: maximumFrameLength)
        }
        guard buffer.readableBytes >= 2 + Int(length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 2)
        let frame = buffer.readSlice(length: Int(length))!
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }
}
