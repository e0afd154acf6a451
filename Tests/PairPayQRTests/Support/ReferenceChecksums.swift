/// CRC-32 and Adler-32 written the slow, obvious way, to check the library's table-driven ones and
/// the checksums in the files it writes.
enum ReferenceChecksums {
    /// CRC-32/ISO-HDLC bit by bit: reflected polynomial 0xEDB88320, initial value and final XOR all ones.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 {
                crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
            }
        }
        return crc ^ 0xFFFF_FFFF
    }

    /// Adler-32 (RFC 1950) with a reduction after every byte.
    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return b << 16 | a
    }
}
