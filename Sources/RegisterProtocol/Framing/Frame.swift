/// One link frame: sequence number, message type and payload, before stuffing and checksum.
public struct Frame: Equatable, Hashable, Sendable {
    /// The largest payload a frame may carry, in bytes before stuffing.
    public static let maximumPayloadSize = 4096

    /// The sender's sequence number of this frame (`0x00` only on NAK).
    public var sequence: UInt8
    /// The message type byte (see ``MessageType``; `0x06` ACK and `0x15` NAK are link control).
    public var type: UInt8
    /// The encoded message fields.
    public var payload: [UInt8]

    public init(sequence: UInt8, type: UInt8, payload: [UInt8] = []) {
        self.sequence = sequence
        self.type = type
        self.payload = payload
    }

    /// The checksum carried by this frame: CRC-16/IBM-3740 over sequence, type and payload.
    public var checksum: UInt16 {
        CRC16.checksum(payload, initial: CRC16.checksum([sequence, type]))
    }

    /// Whether this is an ACK or NAK frame, which are never acknowledged or retransmitted.
    public var isLinkControl: Bool {
        type == MessageType.ack.rawValue || type == MessageType.nak.rawValue
    }

    /// An ACK frame acknowledging the data frame with `sequence`.
    public static func ack(_ sequence: UInt8) -> Frame {
        Frame(sequence: sequence, type: MessageType.ack.rawValue)
    }

    /// The NAK frame: "what I just received was damaged, send your outstanding frame again".
    public static let nak = Frame(sequence: 0, type: MessageType.nak.rawValue)
}
