/// What a soak run does: how many sales, how often each fault strikes, and where files go.
public struct SoakOptions: Sendable {
    /// Sales rung up one after another.
    public var sales = 200
    /// Seeds every random choice (faults, amounts, phones, actions).
    public var seed: UInt64 = 1
    /// Per sale and per process (registerd, settlementd, banksim): chance of a `kill -9` and restart.
    public var killProbability = 0.05
    /// Per sale: chance of damage on the serial line (garbage, a corrupted or a shortened frame,
    /// withheld ACKs).
    public var lineFaultProbability = 0.3
    /// banksim's `--drop-probability`: requests processed but never answered (the acquirer times out).
    public var bankDropProbability = 0.03
    /// Per sale: chance that banksim is restarted with `--latency-ms` above the acquirer's timeout
    /// for that sale.
    public var bankSlowProbability = 0.02
    /// Per sale: chance the phone never pays and the order expires.
    public var expireProbability = 0.03
    /// Per sale: chance the cashier aborts (before or after the phone paid).
    public var abortProbability = 0.08
    /// Per approved sale: chance the cashier refunds part of it (REFUND) right after.
    public var refundProbability = 0.1
    /// Close the day (END OF DAY) after every this many sales (0: only once, at the end).
    public var endOfDayEvery = 0
    /// registerd's order lifetime in seconds (short, so expiring sales do not take long).
    public var orderTTLSeconds = 15
    /// The run's directory (nil: a new one under /tmp).
    public var workdir: String?
    /// Keep the directory (logs, SQLite files) afterwards; it is always kept on a violation.
    public var keep = false
    /// Where settlementd keeps its state.
    public var store: Store = .sqlite
    /// settlementd instances on the store: 2 (PostgreSQL only) puts registerd on the first and the
    /// phones on the second, and `kill -9` strikes either.
    public var instances = 1
    /// The PostgreSQL server for ``Store/postgres`` (a user that may create databases): the run
    /// makes a database of its own there.
    public var postgresServer: String?

    /// settlementd's store in a soak.
    public enum Store: String, Sendable, CaseIterable {
        /// SQLite files in the run's directory (one instance).
        case sqlite
        /// A PostgreSQL database shared by the instances.
        case postgres
    }

    public init() {}

    /// - Throws: ``SoakError/invalidOption(_:)`` for a value out of range.
    public func validate() throws {
        guard sales > 0 else { throw SoakError.invalidOption("--sales must be at least 1") }
        for (name, p) in [
            ("--kill-probability", killProbability), ("--line-fault-probability", lineFaultProbability),
            ("--bank-drop-probability", bankDropProbability),
            ("--bank-slow-probability", bankSlowProbability),
            ("--expire-probability", expireProbability), ("--abort-probability", abortProbability),
            ("--refund-probability", refundProbability),
        ] where !(0...1).contains(p) {
            throw SoakError.invalidOption("\(name) must be between 0 and 1")
        }
        guard endOfDayEvery >= 0 else {
            throw SoakError.invalidOption("--end-of-day-every must be 0 or more")
        }
        guard orderTTLSeconds >= 5 else {
            throw SoakError.invalidOption("--order-ttl must be at least 5 seconds")
        }
        guard (1...2).contains(instances) else { throw SoakError.invalidOption("--instances must be 1 or 2") }
        guard instances == 1 || store == .postgres else {
            throw SoakError.invalidOption(
                "--instances 2 needs --store postgres: instances share one database")
        }
        guard store == .sqlite || postgresServer != nil else {
            throw SoakError.invalidOption(
                "--store postgres needs a server: --postgres postgres://USER@HOST:PORT/postgres (or PAIRPAY_TEST_POSTGRES_URL)"
            )
        }
    }
}
