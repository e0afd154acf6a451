import PostgresNIO

extension PostgresRow {
    /// The value of column `name`, decoded as `T` (an optional `T` for a nullable column).
    func column<T: PostgresDecodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        try makeRandomAccess()[name].decode(T.self)
    }
}
