/// Why bytes could not be read as, or a message could not be written as, an ISO 8583 message.
///
/// Every case names the field and what was wrong, so a log line is enough to find the sender's bug.
/// Field values are never included: they could be card data.
public enum ISO8583Error: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes ended before the message did.
    case truncated(needed: Int, available: Int, while: String)
    /// The message is larger than the configured maximum.
    case messageTooLarge(size: Int, maximum: Int)
    /// The MTI is not four ASCII digits.
    case invalidMTI(String)
    /// The bitmap is not usable (for example no field set, or a tertiary bitmap requested).
    case invalidBitmap(String)
    /// The bitmap announces a field this profile does not define.
    case unsupportedField(Int)
    /// A field is present but has no format in the specification used.
    case fieldNotInSpecification(ISOField)
    /// A length prefix is not ASCII digits.
    case invalidLengthPrefix(ISOField)
    /// A variable-length field is longer than its maximum.
    case fieldTooLong(ISOField, length: Int, maximum: Int)
    /// A fixed-length field has the wrong length.
    case wrongFixedLength(ISOField, length: Int, expected: Int)
    /// A numeric field holds something other than digits.
    case nonDigit(ISOField)
    /// A field holds a character its class (`an`, `ans`) does not allow.
    case invalidCharacter(ISOField)
    /// Bytes remain after the last field the bitmap announced.
    case trailingBytes(Int)
    /// A TCP frame header announced a length of zero or more than the maximum.
    case invalidFrameLength(Int, maximum: Int)

    public var description: String {
        switch self {
        case .truncated(let needed, let available, let what):
            return
                "ISO 8583 message truncated while reading \(what): needed \(needed) bytes, had \(available);"
                + " check the peer's framing"
        case .messageTooLarge(let size, let maximum):
            return "ISO 8583 message of \(size) bytes exceeds the maximum of \(maximum)"
        case .invalidMTI(let raw):
            return
                "invalid MTI '\(raw.filter { $0.isASCII && !$0.isNewline }.prefix(8))': expected 4 ASCII digits"
        case .invalidBitmap(let reason):
            return "invalid bitmap: \(reason)"
        case .unsupportedField(let number):
            return
                "bitmap announces field \(number), which the PairPay profile does not define (docs/ISO8583.md)"
        case .fieldNotInSpecification(let field):
            return "\(field) has no format in this specification; add it or remove the field"
        case .invalidLengthPrefix(let field):
            return "\(field): length prefix is not ASCII digits"
        case .fieldTooLong(let field, let length, let maximum):
            return "\(field): \(length) characters exceed the maximum of \(maximum)"
        case .wrongFixedLength(let field, let length, let expected):
            return "\(field): fixed length \(expected) expected, got \(length); pad numeric fields with zeros"
        case .nonDigit(let field):
            return "\(field): numeric field contains a non-digit"
        case .invalidCharacter(let field):
            return "\(field): contains a character its class does not allow"
        case .trailingBytes(let count):
            return "\(count) bytes left after the last field; the bitmap and the data disagree"
        case .invalidFrameLength(let length, let maximum):
            return "TCP frame length \(length) is outside 1...\(maximum); the peer is not speaking"
                + " 2-byte length-prefixed ISO 8583"
        }
    }
}
