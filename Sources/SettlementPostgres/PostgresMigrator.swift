import Foundation
import PostgresNIO

/// Versioned schema migrations, each applied once however many instances start together.
///
/// Every start takes one transaction-level advisory lock (per migrator name) before it looks at
/// the applied migrations, so a second instance starting at the same moment waits, then finds
/// them applied. Each migration runs in that same transaction with its record.
struct PostgresMigrator: Sendable {
    struct Migration: Sendable {
        let name: String
        let statements: [String]
    }

    /// Names the set of migrations (its lock and its rows in `schema_migration`).
    let name: String
    let migrations: [Migration]

    /// Applies what is missing. Returns the names it applied.
    /// - Throws: ``PostgresStoreError/newerSchema(_:)`` when the database has one this list lacks.
    @discardableResult
    func migrate(_ database: PostgresPool) async throws -> [String] {
        let lockKey = Self.lockKey(name)
        let (name, migrations) = (self.name, self.migrations)
        return try await database.transaction { transaction in
            try await transaction.query("SELECT pg_advisory_xact_lock(\(lockKey))")
            try await transaction.query(
                """
                CREATE TABLE IF NOT EXISTS schema_migration (
                    migrator TEXT NOT NULL, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                    PRIMARY KEY (migrator, name))
                """)
            var applied = Set<String>()
            for row in try await transaction.query(
                "SELECT name FROM schema_migration WHERE migrator = \(name)")
            {
                applied.insert(try row.decode(String.self))
            }
            let known = Set(migrations.map(\.name))
            if let unknown = applied.subtracting(known).sorted().first {
                throw PostgresStoreError.newerSchema(unknown)
            }
            var done: [String] = []
            for migration in migrations where !applied.contains(migration.name) {
                for statement in migration.statements {
                    try await transaction.query(PostgresQuery(unsafeSQL: statement))
                }
                try await transaction.query(
                    "INSERT INTO schema_migration (migrator, name) VALUES (\(name), \(migration.name))")
                done.append(migration.name)
            }
            return done
        }
    }

    /// A stable 63-bit key for the advisory lock of `name` (FNV-1a).
    static func lockKey(_ name: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return Int64(bitPattern: hash & 0x7fff_ffff_ffff_ffff)
    }
}
