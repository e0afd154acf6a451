/// CRC-32/ISO-HDLC, the CRC of PNG chunks, zlib's `crc32`, Ethernet and ZIP: reflected polynomial
/// 0xEDB88320, initial value and final XOR 0xFFFFFFFF. Check value: "123456789" → 0xCBF43926.
public enum CRC32 {
    /// The CRC-32 of `bytes`; pass an earlier result as `initial` to continue over more bytes
    /// (`checksum(b, initial: checksum(a))` equals the checksum of `a` followed by `b`).
    public static func checksum<Bytes: Sequence<UInt8>>(_ bytes: Bytes, initial: UInt32 = 0) -> UInt32 {
        var crc = ~initial
        for byte in bytes {
            crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return ~crc
    }

    /// The CRC of each byte value, eight shifts at a time.
    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 {
            value = value & 1 == 1 ? (value >> 1) ^ 0xEDB8_8320 : value >> 1
        }
        return value
    }
}
