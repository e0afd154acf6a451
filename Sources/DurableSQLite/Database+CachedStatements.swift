import GRDB

extension Database {
    /// `execute(sql:arguments:)` through the connection's statement cache: the statement is
    /// prepared (parsed by SQLite and checked by GRDB's authorizer) once per connection instead of
    /// on every call. For one statement whose text is the same on every call (its values are
    /// arguments), as on the hot path of every store.
    public func executeCached(sql: String, arguments: StatementArguments = StatementArguments()) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}
