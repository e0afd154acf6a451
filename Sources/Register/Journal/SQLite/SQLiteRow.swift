/// One row of a query's result, by column name, with accessors that say which column did not hold
/// what the journal's schema promises.
struct SQLiteRow: Sendable {
    let values: [String: SQLiteValue]

    /// The column's integer.
    func integer(_ column: String) throws(SQLiteError) -> Int64 {
        guard case .integer(let value) = values[column] else { throw .unexpected(column: column) }
        return value
    }

    /// The column's text.
    func text(_ column: String) throws(SQLiteError) -> String {
        guard case .text(let value) = values[column] else { throw .unexpected(column: column) }
        return value
    }

    /// The column's text, or nil when it is NULL.
    func optionalText(_ column: String) throws(SQLiteError) -> String? {
        if values[column] == .null { return nil }
        return try text(column)
    }

    /// The column's bytes.
    func blob(_ column: String) throws(SQLiteError) -> [UInt8] {
        guard case .blob(let value) = values[column] else { throw .unexpected(column: column) }
        return value
    }

    /// The column's bytes, or nil when it is NULL.
    func optionalBlob(_ column: String) throws(SQLiteError) -> [UInt8]? {
        if values[column] == .null { return nil }
        return try blob(column)
    }

    /// The column's number (an integer read as a real too), or nil when it is NULL.
    func optionalReal(_ column: String) throws(SQLiteError) -> Double? {
        switch values[column] {
        case .null: return nil
        case .real(let value): return value
        case .integer(let value): return Double(value)
        default: throw .unexpected(column: column)
        }
    }
}
