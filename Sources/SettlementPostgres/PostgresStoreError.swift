/// Why the PostgreSQL store could not be used.
public enum PostgresStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The `--database` URL cannot be read; the text says what to fix.
    case invalidURL(String)
    /// The server could not be reached or refused the connection.
    case unreachable(String)
    /// The database holds migrations this settlementd does not know: a newer version ran on it.
    case newerSchema(String)
    /// A row this store had just written could not be read back in the same transaction.
    case missingRow(String)

    public var description: String {
        switch self {
        case .invalidURL(let why): return "the database URL cannot be used: \(why)"
        case .unreachable(let why):
            return
                "PostgreSQL cannot be reached (\(why)): check the URL, that the server runs, and the password"
        case .missingRow(let what):
            return "\(what) was written but cannot be read back: check the database's health"
        case .newerSchema(let name):
            return
                "the database has migration '\(name)', which this settlementd does not know: run the newer settlementd, or restore the older database"
        }
    }
}
