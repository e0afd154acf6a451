/// Whether other processes write the same database at the same time.
///
/// An `exclusive` store (one SQLite file, one settlementd) knows that whatever a previous run
/// left half-done is nobody's any more: it resolves it at start-up at once. A `shared` store
/// (PostgreSQL behind several settlementd instances) cannot tell a dead instance's work from a
/// live one's until that work is overdue, so it resolves only what is past its deadline, and
/// every write that decides something is conditional on the state it was decided from.
public enum StoreSharing: String, Sendable, Hashable, CaseIterable {
    /// One process owns the database.
    case exclusive
    /// Several processes (instances) use the database at once.
    case shared
}
