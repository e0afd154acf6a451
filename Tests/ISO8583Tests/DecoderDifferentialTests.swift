import ISO8583
import PairPayCore
import Testing

/// The decoder reads the bitmap as two words and checks values in place; this oracle reads the
/// layout of docs/ISO8583.md bit by bit, one field at a time, with nothing clever. On the test
/// vectors and on thousands of damaged copies of them, both must give the same message or the
/// same error.
@Suite struct DecoderDifferentialTests {
    let codec = ISO8583Codec()

    @Test func agreesWithAPlainReadingOnDamagedVectors() {
        var random = SplitMix64(seed: 8583)
        let vectors = Vector.all.map(\.bytes)
        var agreedOnMessages = 0
        for round in 0..<6_000 {
            var bytes = vectors[round % vectors.count]
            switch random.next() % 5 {
            case 0: break
            case 1: bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next())
            case 2: bytes[4 + Int(random.next() % 16) % min(16, bytes.count - 4)] ^= 1 << (random.next() % 8)
            case 3: bytes = Array(bytes.prefix(Int(random.next() % UInt64(bytes.count + 1))))
            default: bytes += [UInt8(ascii: "0") + UInt8(random.next() % 10)]
            }
            let fast = Result { () throws(ISO8583Error) in try codec.decode(bytes) }
            let plain = Result { () throws(ISO8583Error) in try PlainDecoder.decode(bytes) }
            #expect(fast == plain, "round \(round)")
            if case .success = fast { agreedOnMessages += 1 }
            // The same bytes in a collection without contiguous storage take the copying path.
            let copied = Result { () throws(ISO8583Error) in try codec.decode(bytes.lazy.map { $0 }) }
            #expect(copied == fast)
        }
        // Unchanged and harmlessly changed vectors decode; the rest exercise the errors.
        #expect(agreedOnMessages > 1_000)
    }

    @Test func readsFieldsOfTheSecondaryBitmap() throws {
        var message = ISOMessage(mti: .reversalRequest)
        message[.amount] = "000000001155"
        message[.networkManagementCode] = "301"
        message[.originalDataElements] = String(repeating: "7", count: 42)
        let bytes = try codec.encode(message)
        #expect(try codec.decode(bytes) == message)
        #expect(try PlainDecoder.decode(bytes) == message)
        #expect(try codec.decode(bytes[...]) == message)
    }
}

/// docs/ISO8583.md read literally: MTI, primary bitmap, secondary bitmap if bit 1, then for each
/// set bit from 2 to 128 the field's length prefix (if variable) and value.
private enum PlainDecoder {
    static func decode(_ bytes: [UInt8]) throws(ISO8583Error) -> ISOMessage {
        let specification = FieldSpecification.pairPay
        guard bytes.count <= 8192 else { throw .messageTooLarge(size: bytes.count, maximum: 8192) }
        var position = 0
        func take(_ count: Int, _ what: String) throws(ISO8583Error) -> [UInt8] {
            guard position + count <= bytes.count else {
                throw .truncated(needed: count, available: bytes.count - position, while: what)
            }
            defer { position += count }
            return Array(bytes[position..<position + count])
        }
        let mtiText = String(decoding: try take(4, "MTI"), as: UTF8.self)
        let mti = try MessageTypeIndicator(mtiText)
        var bitmap = try take(8, "primary bitmap")
        func bit(_ number: Int) -> Bool { bitmap[(number - 1) / 8] & (0x80 >> ((number - 1) % 8)) != 0 }
        if bit(1) {
            bitmap += try take(8, "secondary bitmap")
            guard (65...128).contains(where: bit) else {
                throw .invalidBitmap("secondary bitmap announced but empty")
            }
            guard !bit(65) else { throw .invalidBitmap("tertiary bitmap (field 65) is not supported") }
        }
        let numbers = (2...(bitmap.count * 8)).filter(bit)
        guard !numbers.isEmpty else { throw .invalidBitmap("no data field is set") }
        var fields: [ISOField: String] = [:]
        for number in numbers {
            guard let field = ISOField(rawValue: number), let format = specification.format(of: field) else {
                throw .unsupportedField(number)
            }
            var length = format.length.maximum
            if format.length.prefixDigits > 0 {
                let prefix = String(
                    decoding: try take(format.length.prefixDigits, "\(field) length"), as: UTF8.self)
                guard prefix.allSatisfy(\.isASCII), prefix.allSatisfy(\.isNumber), let value = Int(prefix)
                else {
                    throw .invalidLengthPrefix(field)
                }
                guard value <= format.length.maximum else {
                    throw .fieldTooLong(field, length: value, maximum: format.length.maximum)
                }
                length = value
            }
            let value = try take(length, "\(field)")
            let allowed: (UInt8) -> Bool =
                switch format.characters {
                case .numeric: { (0x30...0x39).contains($0) }
                case .alphanumeric:
                    {
                        $0 == 0x20 || Character(Unicode.Scalar($0)).isLetter && $0 < 0x80
                            || (0x30...0x39).contains($0)
                    }
                case .alphanumericSpecial: { (0x20...0x7E).contains($0) }
                }
            guard value.allSatisfy(allowed) else {
                throw format.characters == .numeric ? .nonDigit(field) : .invalidCharacter(field)
            }
            fields[field] = String(decoding: value, as: UTF8.self)
        }
        guard position == bytes.count else { throw .trailingBytes(bytes.count - position) }
        return ISOMessage(mti: mti, fields: fields)
    }
}
