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
    /// registerd's order lifetime in seconds (short, so expiring sales do not take long).
    public var orderTTLSeconds = 15
    /// The run's directory (nil: a new one under /tmp).
    public var workdir: String?
    /// Keep the directory (logs, SQLite files) afterwards; it is always kept on a violation.
    public var keep = false

    public init() {}

    /// - Throws: ``SoakError/invalidOption(_:)`` for a value out of range.
    public func validate() throws {
        guard sales > 0 else { throw SoakError.invalidOption("--sales must be at least 1") }
        for (name, p) in [
            ("--kill-probability", killProbability), ("--line-fault-probability", lineFaultProbability),
            ("--bank-drop-probability", bankDropProbability),
            ("--bank-slow-probability", bankSlowProbability),
            ("--expire-probability", expireProbability), ("--abort-probability", abortProbability),
        ] where !(0...1).contains(p) {
            throw SoakError.invalidOption("\(name) must be between 0 and 1")
        }
        guard orderTTLSeconds >= 5 else {
            throw SoakError.invalidOption("--order-ttl must be at least 5 seconds")
        }
    }
}
