/// Adler-32 (RFC 1950), the checksum that ends a zlib stream. "Wikipedia" → 0x11E60398.
public enum Adler32 {
    /// The largest prime below 2¹⁶.
    private static let modulus: UInt32 = 65_521
    /// The most bytes that can be summed before the sums must be reduced without overflowing 32 bits.
    private static let bytesBeforeReduction = 5_552

    /// The Adler-32 of `bytes`; pass an earlier result as `initial` to continue over more bytes.
    public static func checksum<Bytes: Sequence<UInt8>>(_ bytes: Bytes, initial: UInt32 = 1) -> UInt32 {
        var a = initial & 0xFFFF
        var b = initial >> 16
        var pending = 0
        for byte in bytes {
            a += UInt32(byte)
            b += a
            pending += 1
            if pending == bytesBeforeReduction {
                a %= modulus
                b %= modulus
                pending = 0
            }
        }
        return (b % modulus) << 16 | (a % modulus)
    }
}
