/// CRC-16/IBM-3740 (also known as CRC-16/CCITT-FALSE), the checksum of every link frame.
///
/// Width 16, polynomial `0x1021`, initial value `0xFFFF`, no input or output reflection, no final
/// XOR. The check value over the ASCII bytes `123456789` is `0x29B1`. See `hw/PROTOCOL.md` §2.
public enum CRC16 {
    private static let table: [UInt16] = (0..<256).map { index in
        var crc = UInt16(index) << 8
        for _ in 0..<8 {
            crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1
        }
        return crc
    }

    /// The checksum of `bytes`, continuing from `initial` (pass a previous result to chain parts).
    public static func checksum(_ bytes: some Sequence<UInt8>, initial: UInt16 = 0xFFFF) -> UInt16 {
        var crc = initial
        for byte in bytes {
            crc = (crc << 8) ^ table[Int(UInt8(truncatingIfNeeded: crc >> 8) ^ byte)]
        }
        return crc
    }
}
