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
        let present = message.presentEntries
        var bitmap = Bitmap()
        for entry in present { bitmap.set(entry.field.rawValue) }
        var out: [UInt8] = []
        out.reserveCapacity(256)
        out += message.mti.rawValue.utf8
        out += bitmap.bytes
        for entry in present {
            let field = entry.field
            guard let format = specification.format(of: field) else { throw .fieldNotInSpecification(field) }
            let value = entry.value.utf8
            try Self.validate(value, field: field, characters: format.characters, length: format.length)
            switch format.length {
            case .fixed: break
            case .llvar, .lllvar:
                ASCIIDigits.append(value.count, width: format.length.prefixDigits, to: &out)
            }
            out += value
        }
        guard out.count <= maximumMessageLength else {
            throw .messageTooLarge(size: out.count, maximum: maximumMessageLength)
        }
        return out
    }

    /// Checks one value against its field's length rule and characters (encoder and decoder).
    static func validate(
        _ value: some Collection<UInt8>, field: ISOField, characters: FieldCharacters, length: FieldLength
    ) throws(ISO8583Error) {
        switch length {
        case .fixed(let length):
            guard value.count == length else {
                throw .wrongFixedLength(field, length: value.count, expected: length)
            }
        case .llvar(let maximum), .lllvar(let maximum):
            guard value.count <= maximum else {
                throw .fieldTooLong(field, length: value.count, maximum: maximum)
            }
        }
        guard characters.allowsAll(value) else {
            throw characters == .numeric ? .nonDigit(field) : .invalidCharacter(field)
        }
    }
}
