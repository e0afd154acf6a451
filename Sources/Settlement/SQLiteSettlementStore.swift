import Foundation
import GRDB

/// The default ``SettlementStore``: one SQLite file through GRDB.
///
/// WAL journal with `synchronous=FULL` (set after opening, because GRDB's WAL set-up leaves it at
/// NORMAL), so a state written before an acquirer call is on disk before the call is made.
/// Orders are stored as one JSON record per row plus indexed columns; card data only ever as
/// AES-GCM ciphertext from ``Vault``.
public final class SQLiteSettlementStore: Sendable {
    let database: DatabaseQueue
    let passwordHasher: PasswordHasher

    /// Opens (creating and migrating if needed) the store at `path`.
    public init(path: String, passwordHasher: PasswordHasher = .standard) throws {
        self.passwordHasher = passwordHasher
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        database = try DatabaseQueue(path: path, configuration: configuration)
        try database.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        try Self.migrator.migrate(database)
    }

    /// The `journal_mode` and `synchronous` in force (2 = FULL).
    public func durabilitySettings() throws -> (journalMode: String, synchronous: Int) {
        try database.read { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "",
                try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
            )
        }
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()
}
