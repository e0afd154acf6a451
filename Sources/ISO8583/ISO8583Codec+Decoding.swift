extension ISO8583Codec {
    /// Decodes one message (without its TCP length header).
    /// - Throws: ``ISO8583Error`` for short, oversize or malformed input, never traps.
    public func decode(_ bytes: some Collection<UInt8>) throws(ISO8583Error) -> ISOMessage {
        let input = Array(bytes)
        guard input.count <= maximumMessageLength else {
            throw .messageTooLarge(size: input.count, maximum: maximumMessageLength)
        }
        var reader = Reader(bytes: input)
        let mtiBytes = try reader.take(4, while: "MTI")
        let mti = try MessageTypeIndicator(String(decoding: mtiBytes, as: UTF8.self))
        var bitmap = Bitmap(primary: try reader.take(8, while: "primary bitmap"))
        if bitmap.hasSecondary {
            bitmap.secondary = Array(try reader.take(8, while: "secondary bitmap"))
            guard bitmap.setFields.contains(where: { $0 > 64 }) else {
                throw .invalidBitmap("secondary bitmap announced but empty")
            }
            guard !bitmap.isSet(65) else {
                throw .invalidBitmap("tertiary bitmap (field 65) is not supported")
            }
        }
        let numbers = bitmap.setFields.filter { $0 != 1 }
        guard !numbers.isEmpty else { throw .invalidBitmap("no data field is set") }

        var message = ISOMessage(mti: mti)
        for number in numbers {
            guard let field = ISOField(rawValue: number), let format = specification.format(of: field) else {
                throw .unsupportedField(number)
            }
            let length: Int
            switch format.length {
            case .fixed(let fixed):
                length = fixed
            case .llvar(let maximum), .lllvar(let maximum):
                let prefix = try reader.take(format.length.prefixDigits, while: "\(field) length")
                guard prefix.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                    throw .invalidLengthPrefix(field)
                }
                length = prefix.reduce(0) { $0 * 10 + Int($1 - 0x30) }
                guard length <= maximum else { throw .fieldTooLong(field, length: length, maximum: maximum) }
            }
            let value = try reader.take(length, while: "\(field)")
            try Self.validate(value, field: field, format: format)
            message[field] = String(decoding: value, as: UTF8.self)
        }
        guard reader.remaining == 0 else { throw .trailingBytes(reader.remaining) }
        return message
    }
}

/// A cursor over the input that throws instead of reading past the end.
struct Reader {
    let bytes: [UInt8]
    var offset = 0

    var remaining: Int { bytes.count - offset }

    /// `what` names the part being read in the error; it is only built when the input is short.
    mutating func take(
        _ count: Int, while what: @autoclosure () -> String
    ) throws(ISO8583Error) -> ArraySlice<UInt8> {
        guard count <= remaining else { throw .truncated(needed: count, available: remaining, while: what()) }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }
}
