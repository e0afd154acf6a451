import ISO8583
import NIOCore

/// Prefixes each outbound ISO 8583 message with its length as 2 bytes, big-endian.
public struct ISO8583FrameEncoder: MessageToByteEncoder, Sendable {
    public typealias OutboundIn = ByteBuffer

    public init() {}

    public func encode(data: ByteBuffer, out: inout ByteBuffer) throws {
        guard data.readableBytes > 0, data.readableBytes <= Int(UInt16.max) else {
            throw ISO8583Error.invalidFrameLength(data.readableBytes, maximum: Int(UInt16.max))
        }
        out.writeInteger(UInt16(data.readableBytes))
        out.writeImmutableBuffer(data)
    }
}
