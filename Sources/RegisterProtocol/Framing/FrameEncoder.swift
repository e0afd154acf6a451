/// Turns a ``Frame`` into the bytes sent on the wire: `DLE STX`, stuffed body and CRC, `DLE ETX`.
public enum FrameEncoder {
    /// The wire bytes of `frame`.
    public static func encode(_ frame: Frame) -> [UInt8] {
        let crc = frame.checksum
        var wire: [UInt8] = [ControlByte.dle, ControlByte.stx]
        wire.reserveCapacity(frame.payload.count + 12)
        func put(_ byte: UInt8) {
            wire.append(byte)
            if byte == ControlByte.dle { wire.append(byte) }
        }
        put(frame.sequence)
        put(frame.type)
        for byte in frame.payload { put(byte) }
        put(UInt8(crc >> 8))
        put(UInt8(crc & 0xFF))
        wire.append(ControlByte.dle)
        wire.append(ControlByte.etx)
        return wire
    }
}
