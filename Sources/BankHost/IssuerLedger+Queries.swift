import GRDB

extension IssuerLedger {
    /// Every ledger entry, oldest first.
    public func entries() throws -> [LedgerEntry] {
        try database.read { db in try LedgerEntry.fetchAll(db, sql: "SELECT * FROM ledger_entry ORDER BY seq")
        }
    }

    /// Holds not released, oldest first.
    public func activeHolds() throws -> [Hold] {
        try database.read { db in
            try Hold.fetchAll(db, sql: "SELECT * FROM hold WHERE status = 'active' ORDER BY id")
        }
    }

    /// Every hold ever placed, released or not.
    public func allHolds() throws -> [Hold] {
        try database.read { db in try Hold.fetchAll(db, sql: "SELECT * FROM hold ORDER BY id") }
    }
}
