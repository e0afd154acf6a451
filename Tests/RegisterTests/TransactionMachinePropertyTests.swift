import Foundation
import PropertyBased
import Register
import RegisterProtocol
import Testing

/// The store side's hardest rules, checked over random interleavings of everything that can
/// happen to ``TransactionMachine`` (``ModelWorld``), in the spirit of a model checker: the
/// cashier's sales, aborts, relays and voids, the customer paying, the settlement server's
/// answers in any order, answers lost after the server acted, servers not reached, journal
/// writes that fail, and restarts at any step from the real journal.
@Suite("TransactionMachine: invariants over random interleavings")
struct TransactionMachinePropertyTests {
    /// The journals live in memory-backed storage when there is some: these runs test the
    /// machine's rules, not the disk (JournalTests do that).
    static let directory: URL = {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let url = URL(fileURLWithPath: base).appendingPathComponent("pairpay-model-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// How many interleavings a run checks: `PAIRPAY_MODEL_RUNS` (the long run, README), else 1 000.
    static let runs = ProcessInfo.processInfo.environment["PAIRPAY_MODEL_RUNS"].flatMap(Int.init) ?? 1000

    @Test func everyInterleavingKeepsTheStoreSideRules() async throws {
        await propertyCheck(
            count: Self.runs, input: Gen.uint8(in: 0...255).array(of: 0...240), Gen.uint64(in: 1...UInt64.max)
        ) { script, seed in
            let (violations, trace) = try await Self.offThePool { try Self.play(script, seed: seed) }
            #expect(
                violations.isEmpty,
                "\(violations.joined(separator: "\n"))\n— trace (seed \(seed)) —\n\(trace.joined(separator: "\n"))"
            )
        }
    }

    /// The model itself must reach every ending (and restarts), or the invariants check nothing.
    @Test func theModelReachesEveryEnding() async throws {
        let endings = try await Self.offThePool {
            var endings: Set<String> = []
            for seed in 1...300 as ClosedRange<UInt64> {
                var generator = SplitMix64(seed: seed)
                let script = (0..<200).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
                var world = try ModelWorld(script: script, seed: seed, directory: Self.directory)
                _ = try world.run()
                for sent in world.sent {
                    if case .result(let result) = sent.message {
                        endings.insert("\(result.status.name)/\(result.reason)")
                    }
                }
                if world.lifetime > 0 { endings.insert("restarted") }
                Self.remove(world.journalPath)
            }
            return endings
        }
        for ending in [
            "approved/approved", "declined/declined", "cancelled/cancelled", "cancelled/voided",
            "expired/expired",
            "error/settlement-unreachable", "error/internal-error", "restarted",
        ] {
            #expect(endings.contains(ending), "no run ended \(ending); seen: \(endings.sorted())")
        }
    }

    /// One interleaving: the script, a last restart (whatever the journal kept open resumes and
    /// ends), the invariants. Returns the violations and the trace.
    static func play(_ script: [UInt8], seed: UInt64) throws -> ([String], [String]) {
        var world = try ModelWorld(script: script, seed: seed, directory: directory)
        defer { remove(world.journalPath) }
        var settled = try world.run()
        try world.restart()
        settled = try world.settle() && settled
        var violations = StoreSideInvariants.violations(in: world, settled: settled)
        violations += try StoreSideInvariants.journalViolations(in: world)
        return (violations, world.trace)
    }

    static func remove(_ journalPath: String) {
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: journalPath + suffix)
        }
    }

    /// The runs write SQLite synchronously: on a queue of their own, never on Swift's
    /// cooperative pool (which the other suites running meanwhile need).
    static func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }

    static let queue = DispatchQueue(label: "pairpay.model-checker")
}
