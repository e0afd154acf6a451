extension ISO8583Codec {
    /// Decodes one message (without its TCP length header).
    ///
    /// Reads contiguous input in place (an `Array`, `ArraySlice`, or NIO's readable bytes view);
    /// other collections are copied once first.
    /// - Throws: ``ISO8583Error`` for short, oversize or malformed input, never traps.
    public func decode(_ bytes: some Collection<UInt8>) throws(ISO8583Error) -> ISOMessage {
        let inPlace = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(ISO8583Error) in try decode(buffer: buffer) }
        }
        if let inPlace { return try inPlace.get() }
        let copy = Array(bytes)
        return try copy.withUnsafeBufferPointer { buffer in
            Result { () throws(ISO8583Error) in try decode(buffer: buffer) }
        }.get()
    }

    /// The decoder proper: one pass over the bytes, the bitmap read as two 64-bit words, each
    /// field's rule taken from ``FieldSpecification``'s table by number, and each value checked
    /// and turned into a `String` straight from the input.
    private func decode(buffer input: UnsafeBufferPointer<UInt8>) throws(ISO8583Error) -> ISOMessage {
        guard input.count <= maximumMessageLength else {
            throw .messageTooLarge(size: input.count, maximum: maximumMessageLength)
        }
        var reader = Reader(bytes: input)
        let mtiBytes = try reader.take(4, while: "MTI")
        let mti = try MessageTypeIndicator(String(decoding: mtiBytes, as: UTF8.self))
        let primary = Self.word(try reader.take(8, while: "primary bitmap"))
        var secondary: UInt64 = 0
        if primary & Self.firstBit != 0 {
            secondary = Self.word(try reader.take(8, while: "secondary bitmap"))
            guard secondary != 0 else { throw .invalidBitmap("secondary bitmap announced but empty") }
            guard secondary & Self.firstBit == 0 else {
                throw .invalidBitmap("tertiary bitmap (field 65) is not supported")
            }
        }
        let dataBits = primary & ~Self.firstBit
        let count = dataBits.nonzeroBitCount + secondary.nonzeroBitCount
        guard count > 0 else { throw .invalidBitmap("no data field is set") }

        var entries: [ISOMessage.Entry] = []
        entries.reserveCapacity(count)
        for half in 0..<2 {
            var bits = half == 0 ? dataBits : secondary
            let base = half == 0 ? 1 : 65
            while bits != 0 {
                let offset = bits.leadingZeroBitCount
                bits &= ~(Self.firstBit >> UInt64(offset))
                let number = base + offset
                guard let rule = specification.rule(number) else { throw .unsupportedField(number) }
                let length: Int
                switch rule.length {
                case .fixed(let fixed):
                    length = fixed
                case .llvar(let maximum), .lllvar(let maximum):
                    let prefix = try reader.take(rule.length.prefixDigits, while: "\(rule.field) length")
                    var value = 0
                    for digit in prefix {
                        guard digit &- 0x30 < 10 else { throw .invalidLengthPrefix(rule.field) }
                        value = value * 10 + Int(digit &- 0x30)
                    }
                    guard value <= maximum else {
                        throw .fieldTooLong(rule.field, length: value, maximum: maximum)
                    }
                    length = value
                }
                let value = try reader.take(length, while: "\(rule.field)")
                try Self.validate(value, field: rule.field, characters: rule.characters, length: rule.length)
                entries.append(
                    ISOMessage.Entry(field: rule.field, value: String(decoding: value, as: UTF8.self)))
            }
        }
        guard reader.remaining == 0 else { throw .trailingBytes(reader.remaining) }
        return ISOMessage(mti: mti, ascendingEntries: entries)
    }

    /// Bit 1 of a bitmap word (the most significant): field 1 or field 65.
    private static let firstBit: UInt64 = 1 << 63

    /// Eight bitmap bytes as one big-endian word.
    private static func word(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }
}

/// A cursor over the input that throws instead of reading past the end.
struct Reader {
    let bytes: UnsafeBufferPointer<UInt8>
    var offset = 0

    var remaining: Int { bytes.count - offset }

    /// `what` names the part being read in the error; it is only built when the input is short.
    mutating func take(
        _ count: Int, while what: @autoclosure () -> String
    ) throws(ISO8583Error) -> UnsafeBufferPointer<UInt8> {
        guard count <= remaining else { throw .truncated(needed: count, available: remaining, while: what()) }
        defer { offset += count }
        return UnsafeBufferPointer(rebasing: bytes[offset..<offset + count])
    }
}
