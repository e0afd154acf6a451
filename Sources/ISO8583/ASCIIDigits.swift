/// Decimal numbers as the fixed-width ASCII digits ISO 8583 puts on the wire.
enum ASCIIDigits {
    /// Appends `value` as exactly `width` digits, zero-padded on the left (higher digits than the
    /// width holds are dropped: callers check the value fits).
    static func append(_ value: Int, width: Int, to out: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<max(width, 1) { divisor *= 10 }
        var remaining = value
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(remaining / divisor % 10))
            remaining %= divisor
            divisor /= 10
        }
    }
}
