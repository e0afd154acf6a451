/// Reads a field list and checks every known field against its form (`hw/PROTOCOL.md` §6).
///
/// Unknown tags are skipped (forward compatibility); a known tag that repeats without being
/// repeatable, a truncated list, or a value of the wrong length or characters is an error.
public struct FieldReader<Tag: FieldTag>: Sendable {
    private var values: [Tag: [ArraySlice<UInt8>]] = [:]

    public init(_ bytes: ArraySlice<UInt8>) throws(MessageDecodingError) {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            guard bytes.endIndex - index >= 3 else { throw .truncated(offset: index - bytes.startIndex) }
            let rawTag = bytes[index]
            let length = Int(bytes[index + 1]) << 8 | Int(bytes[index + 2])
            let start = index + 3
            guard bytes.endIndex - start >= length else { throw .truncated(offset: index - bytes.startIndex) }
            let value = bytes[start..<(start + length)]
            index = start + length
            guard let tag = Tag(rawValue: rawTag) else { continue }
            if values[tag] != nil && !tag.isRepeatable { throw .repeatedField(tag.name) }
            try Self.check(value, against: tag)
            values[tag, default: []].append(value)
        }
    }

    public init(_ bytes: [UInt8]) throws(MessageDecodingError) {
        try self.init(bytes[...])
    }

    private static func check(_ value: ArraySlice<UInt8>, against tag: Tag) throws(MessageDecodingError) {
        func exact(_ count: Int) throws(MessageDecodingError) {
            guard value.count == count else {
                throw .wrongLength(field: tag.name, expected: "exactly \(count)", actual: value.count)
            }
        }
        func within(_ range: ClosedRange<Int>) throws(MessageDecodingError) {
            guard range.contains(value.count) else {
                let expected =
                    range.count == 1
                    ? "exactly \(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)"
                throw .wrongLength(field: tag.name, expected: expected, actual: value.count)
            }
        }
        switch tag.form {
        case .u8: try exact(1)
        case .u16: try exact(2)
        case .u32: try exact(4)
        case .i64: try exact(8)
        case .group: break
        case .ascii(let range):
            try within(range)
            guard value.allSatisfy({ (0x20...0x7E).contains($0) }) else {
                throw .invalidCharacters(field: tag.name)
            }
        case .text(let range):
            try within(range)
            guard let text = String(validating: value, as: UTF8.self),
                !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
            else { throw .invalidCharacters(field: tag.name) }
        }
    }

    /// Whether the field is present.
    public func contains(_ tag: Tag) -> Bool { values[tag] != nil }

    private func required(_ tag: Tag) throws(MessageDecodingError) -> ArraySlice<UInt8> {
        guard let value = values[tag]?.first else { throw .missingField(tag.name) }
        return value
    }

    private static func integer(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }

    public func u8(_ tag: Tag) throws(MessageDecodingError) -> UInt8 {
        UInt8(Self.integer(try required(tag)))
    }

    public func u16(_ tag: Tag) throws(MessageDecodingError) -> UInt16 {
        UInt16(Self.integer(try required(tag)))
    }

    public func u32(_ tag: Tag) throws(MessageDecodingError) -> UInt32 {
        UInt32(Self.integer(try required(tag)))
    }

    public func i64(_ tag: Tag) throws(MessageDecodingError) -> Int64 {
        Int64(bitPattern: Self.integer(try required(tag)))
    }

    public func string(_ tag: Tag) throws(MessageDecodingError) -> String {
        String(decoding: try required(tag), as: UTF8.self)
    }

    public func optionalU8(_ tag: Tag) throws(MessageDecodingError) -> UInt8? {
        contains(tag) ? try u8(tag) : nil
    }

    public func optionalU16(_ tag: Tag) throws(MessageDecodingError) -> UInt16? {
        contains(tag) ? try u16(tag) : nil
    }

    public func optionalU32(_ tag: Tag) throws(MessageDecodingError) -> UInt32? {
        contains(tag) ? try u32(tag) : nil
    }

    public func optionalI64(_ tag: Tag) throws(MessageDecodingError) -> Int64? {
        contains(tag) ? try i64(tag) : nil
    }

    public func optionalString(_ tag: Tag) throws(MessageDecodingError) -> String? {
        contains(tag) ? try string(tag) : nil
    }

    /// Every occurrence of a repeatable string field, in order.
    public func strings(_ tag: Tag) -> [String] {
        (values[tag] ?? []).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Every occurrence of a repeatable group, each as its own reader.
    public func groups<Inner: FieldTag>(
        _ tag: Tag, as _: Inner.Type
    ) throws(MessageDecodingError) -> [FieldReader<Inner>] {
        var readers: [FieldReader<Inner>] = []
        for slice in values[tag] ?? [] { readers.append(try FieldReader<Inner>(slice)) }
        return readers
    }
}
