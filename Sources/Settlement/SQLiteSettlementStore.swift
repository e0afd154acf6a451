import DurableSQLite
import Foundation
import GRDB

/// The default ``SettlementStore``: one SQLite file through GRDB.
///
/// WAL journal with `synchronous=FULL` (set after opening, because GRDB's WAL set-up leaves it at
/// NORMAL), so a state written before an acquirer call is on disk before the call is made. Writes
/// go through a ``GroupCommitWriter``: requests writing at the same moment share one commit.
/// An order is one row, a column per field and its nested values as JSON (``StoredOrderColumns``);
/// card data only ever as AES-GCM ciphertext from ``Vault``.
public final class SQLiteSettlementStore: Sendable {
    let database: DatabaseQueue
    /// Every write goes through it: concurrent requests' writes share a commit and its fsync.
    let writer: GroupCommitWriter
    let passwordHasher: PasswordHasher
    /// Where password hashes are made and checked: threads of their own, bounded.
    public let passwordWorkers: PasswordWorkers

    /// Opens (creating and migrating if needed) the store at `path`.
    public init(
        path: String, passwordHasher: PasswordHasher = .standard, passwordWorkers: PasswordWorkers = .standard
    ) throws {
        self.passwordHasher = passwordHasher
        self.passwordWorkers = passwordWorkers
        database = try DurableDatabase.open(path: path, migrator: Self.migrator)
        writer = GroupCommitWriter(database: database)
    }

    /// The `journal_mode` and `synchronous` in force (2 = FULL).
    public func durabilitySettings() throws -> (journalMode: String, synchronous: Int) {
        try DurableDatabase.durabilitySettings(of: database)
    }
}
