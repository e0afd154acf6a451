/// Which characters a field may hold.
public enum FieldCharacters: Sendable, Equatable {
    /// `n`: ASCII digits `0`–`9` only.
    case numeric
    /// `an`: ASCII letters, digits and space.
    case alphanumeric
    /// `ans`: any printable ASCII character (0x20–0x7E).
    case alphanumericSpecial

    /// Whether every byte is allowed: one loop per class (the encoder's and the decoder's check).
    func allowsAll(_ bytes: some Sequence<UInt8>) -> Bool {
        switch self {
        case .numeric: return bytes.allSatisfy { $0 &- 0x30 < 10 }
        case .alphanumeric:
            return bytes.allSatisfy { byte in
                byte &- 0x30 < 10 || (byte | 0x20) &- 0x61 < 26 || byte == 0x20
            }
        case .alphanumericSpecial: return bytes.allSatisfy { $0 &- 0x20 < 0x5F }
        }
    }
}

/// How a field's length is known.
public enum FieldLength: Sendable, Equatable {
    /// Always exactly this many characters; no length prefix.
    case fixed(Int)
    /// Up to this many characters, after a 2-digit ASCII length prefix.
    case llvar(max: Int)
    /// Up to this many characters, after a 3-digit ASCII length prefix.
    case lllvar(max: Int)

    /// The largest number of characters the field may hold.
    public var maximum: Int {
        switch self {
        case .fixed(let length), .llvar(let length), .lllvar(let length): return length
        }
    }

    /// How many ASCII digits the length prefix has (0 for fixed fields).
    public var prefixDigits: Int {
        switch self {
        case .fixed: return 0
        case .llvar: return 2
        case .lllvar: return 3
        }
    }
}

/// The format of one data element: its characters and its length rule.
public struct FieldFormat: Sendable, Equatable {
    /// A short human name, for error messages and the spec document.
    public let name: String
    /// Which characters are allowed.
    public let characters: FieldCharacters
    /// How long the field is.
    public let length: FieldLength

    public init(_ name: String, _ characters: FieldCharacters, _ length: FieldLength) {
        self.name = name
        self.characters = characters
        self.length = length
    }
}

/// The formats of every field a codec accepts. A bitmap bit for any other field is an error.
public struct FieldSpecification: Sendable {
    /// The formats, by field.
    public let formats: [ISOField: FieldFormat]

    /// The same formats indexed by field number (0…128), looked up once per field of every message.
    private let byNumber: [FieldFormat?]

    /// What the decoder needs of a field, indexed by field number (0…128): no name, so reading a
    /// rule copies no string.
    private let rules: [FieldRule?]

    public init(formats: [ISOField: FieldFormat]) {
        self.formats = formats
        var byNumber = [FieldFormat?](repeating: nil, count: 129)
        var rules = [FieldRule?](repeating: nil, count: 129)
        for (field, format) in formats {
            switch format.length {
            case .fixed: break
            case .llvar(let maximum):
                precondition(
                    maximum <= 99, "\(field): an LLVAR field holds at most 99 characters, not \(maximum)")
            case .lllvar(let maximum):
                precondition(
                    maximum <= 999, "\(field): an LLLVAR field holds at most 999 characters, not \(maximum)")
            }
            byNumber[field.rawValue] = format
            rules[field.rawValue] = FieldRule(
                field: field, characters: format.characters, length: format.length)
        }
        self.byNumber = byNumber
        self.rules = rules
    }

    /// The format of `field`.
    public func format(of field: ISOField) -> FieldFormat? { byNumber[field.rawValue] }

    /// The rule of field `number` (1…128), nil when the specification has none.
    func rule(_ number: Int) -> FieldRule? { number < rules.count ? rules[number] : nil }
}

/// One field's characters and length rule, as the decoder reads them.
struct FieldRule: Sendable {
    let field: ISOField
    let characters: FieldCharacters
    let length: FieldLength
}
