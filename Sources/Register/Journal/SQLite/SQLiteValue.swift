/// A value SQLite stores: what a statement binds and a row holds.
enum SQLiteValue: Equatable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

extension SQLiteValue {
    /// `value` as an integer, or NULL when it is nil.
    static func integer(_ value: Int?) -> SQLiteValue { value.map { .integer(Int64($0)) } ?? .null }

    /// `value` as text, or NULL when it is nil.
    static func text(_ value: String?) -> SQLiteValue { value.map { .text($0) } ?? .null }
}
