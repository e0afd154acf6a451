import GRDBSQLite

/// What SQLite refused, with its result code and message, or a column that did not hold what the
/// schema promises.
struct SQLiteError: Error, Equatable, Sendable, CustomStringConvertible {
    /// SQLite's (extended) result code; 0 for a column of the wrong type.
    let code: Int32
    let message: String

    init(code: Int32, message: String?) {
        self.code = code
        self.message = message ?? String(cString: sqlite3_errstr(code))
    }

    /// A column that is missing or holds another type than the schema's.
    static func unexpected(column: String) -> SQLiteError {
        SQLiteError(code: 0, message: "column \(column) is missing or of the wrong type")
    }

    var description: String { code == 0 ? message : "SQLite error \(code): \(message)" }
}
