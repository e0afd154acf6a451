/// Builds a field list: TAG, 2-byte big-endian LEN, VALUE (`hw/PROTOCOL.md` §6).
public struct FieldWriter<Tag: FieldTag>: Sendable {
    /// The encoded fields so far.
    public private(set) var bytes: [UInt8] = []

    public init() {}

    private mutating func put(_ tag: Tag, _ value: some Collection<UInt8>) {
        bytes.append(tag.rawValue)
        bytes.append(UInt8(truncatingIfNeeded: value.count >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value.count))
        bytes.append(contentsOf: value)
    }

    public mutating func u8(_ tag: Tag, _ value: UInt8) { put(tag, [value]) }

    public mutating func u16(_ tag: Tag, _ value: UInt16) {
        put(tag, [UInt8(value >> 8), UInt8(value & 0xFF)])
    }

    public mutating func u32(_ tag: Tag, _ value: UInt32) {
        put(tag, (0..<4).reversed().map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) })
    }

    public mutating func i64(_ tag: Tag, _ value: Int64) {
        let bits = UInt64(bitPattern: value)
        put(tag, (0..<8).reversed().map { UInt8(truncatingIfNeeded: bits >> ($0 * 8)) })
    }

    /// Writes a string field. Display text (`text` form) longer than the field allows is cut at a
    /// character boundary, so a long sentence can never make a frame the register must refuse.
    /// Identifiers (`ascii` form: receipts, order ids, card digits) are never altered: one that
    /// breaks its limits is sent as it is and refused by the receiver.
    public mutating func string(_ tag: Tag, _ value: String) {
        var utf8 = Array(value.utf8)
        switch tag.form {
        case .text(let range):
            if utf8.count > range.upperBound {
                var cut = range.upperBound
                while cut > 0 && (utf8[cut] & 0xC0) == 0x80 { cut -= 1 }
                utf8 = Array(utf8[..<cut])
            }
        default:
            break
        }
        put(tag, utf8)
    }

    /// Writes an optional string field only when there is a value.
    public mutating func string(_ tag: Tag, ifPresent value: String?) {
        if let value { string(tag, value) }
    }

    /// Writes a nested group.
    public mutating func group<Inner: FieldTag>(_ tag: Tag, _ inner: FieldWriter<Inner>) {
        put(tag, inner.bytes)
    }
}
