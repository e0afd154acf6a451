/// Builds the length-prefixed canonical byte strings of `docs/CANONICAL-ORDER.md`.
///
/// Strings are a 2-byte big-endian byte count followed by their UTF-8 bytes; integers are 8-byte
/// big-endian two's complement; counts are 2-byte big-endian; optional values are a presence byte
/// (`0x00` absent, `0x01` present) followed by the value.
struct CanonicalWriter {
    private(set) var bytes: [UInt8] = []

    mutating func string(_ value: String) {
        let utf8 = Array(value.utf8)
        precondition(utf8.count <= Int(UInt16.max), "canonical strings are at most 65535 bytes")
        count(utf8.count)
        bytes += utf8
    }

    mutating func optionalString(_ value: String?) {
        guard let value else {
            bytes.append(0x00)
            return
        }
        bytes.append(0x01)
        string(value)
    }

    mutating func int64(_ value: Int64) {
        let bits = UInt64(bitPattern: value)
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift)))
        }
    }

    mutating func count(_ value: Int) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }
}
