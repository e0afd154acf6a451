/// The form of a field's value (`hw/PROTOCOL.md` §6).
public enum FieldForm: Equatable, Sendable {
    case u8
    case u16
    case u32
    case i64
    /// Printable ASCII (0x20–0x7E) with a length range in bytes.
    case ascii(ClosedRange<Int>)
    /// UTF-8 without control characters, with a length range in bytes.
    case text(ClosedRange<Int>)
    /// A nested field list.
    case group
}

/// A tag of one field list (the top level, or a group), with its name, form and repetition rule.
public protocol FieldTag: RawRepresentable, Hashable, Sendable where RawValue == UInt8 {
    /// The name used in the protocol document, for error messages.
    var name: String { get }
    /// The form of the value.
    var form: FieldForm { get }
    /// Whether the tag may appear more than once in one list.
    var isRepeatable: Bool { get }
}

extension FieldTag {
    public var isRepeatable: Bool { false }
}
