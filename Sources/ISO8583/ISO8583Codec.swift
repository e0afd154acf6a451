/// Turns ``ISOMessage`` values into bytes and back, following one ``FieldSpecification``.
///
/// Layout: MTI as 4 ASCII digits, an 8-byte binary primary bitmap, an 8-byte binary secondary
/// bitmap when any field 65–128 is present, then the fields in ascending order. Length prefixes
/// and field data are ASCII. Errors are thrown as ``ISO8583Error``; no input makes the codec trap.
public struct ISO8583Codec: Sendable {
    /// The field formats in use.
    public let specification: FieldSpecification
    /// The largest message accepted by ``decode(_:)`` and produced by ``encode(_:)``.
    public let maximumMessageLength: Int

    public init(specification: FieldSpecification = .pairPay, maximumMessageLength: Int = 8192) {
        self.specification = specification
        self.maximumMessageLength = maximumMessageLength
    }

    /// Encodes a message.
    /// - Throws: ``ISO8583Error`` when a field breaks its format or the message is too large.
    public func encode(_ message: ISOMessage) throws(ISO8583Error) -> [UInt8] {
        var out: [UInt8] = Array(message.mti.rawValue.utf8)
        var bitmap = Bitmap()
        for field in message.presentFields { bitmap.set(field.rawValue) }
        out += bitmap.bytes
        for field in message.presentFields {
            guard let format = specification.format(of: field) else { throw .fieldNotInSpecification(field) }
            let value = Array((message[field] ?? "").utf8)
            try Self.validate(value, field: field, format: format)
            switch format.length {
            case .fixed: break
            case .llvar, .lllvar:
                out += Self.lengthPrefix(value.count, digits: format.length.prefixDigits)
            }
            out += value
        }
        guard out.count <= maximumMessageLength else {
            throw .messageTooLarge(size: out.count, maximum: maximumMessageLength)
        }
        return out
    }

    static func validate(_ value: [UInt8], field: ISOField, format: FieldFormat) throws(ISO8583Error) {
        switch format.length {
        case .fixed(let length):
            guard value.count == length else {
                throw .wrongFixedLength(field, length: value.count, expected: length)
            }
        case .llvar(let maximum), .lllvar(let maximum):
            guard value.count <= maximum else {
                throw .fieldTooLong(field, length: value.count, maximum: maximum)
            }
        }
        for byte in value where !format.characters.allows(byte) {
            throw format.characters == .numeric ? .nonDigit(field) : .invalidCharacter(field)
        }
    }

    static func lengthPrefix(_ length: Int, digits: Int) -> [UInt8] {
        let text = String(length)
        return Array((String(repeating: "0", count: max(0, digits - text.count)) + text).utf8)
    }
}
