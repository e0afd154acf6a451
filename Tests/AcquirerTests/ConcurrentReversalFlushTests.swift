import Acquirer
import BankHost
import Foundation
import Synchronization
import Testing

/// Found by `pairpay soak`: two flushes of the same pending reversal at once (the authorization
/// that timed out flushes, and so does the next caller) sent it twice with one match key; the
/// second waiter replaced the first, whose caller (an authorization) then waited forever, leaving
/// its order `authorizing` and the register's sale open until settlementd restarted.
@Suite("Acquirer: one reversal flushed by two callers at once")
struct ConcurrentReversalFlushTests {
    @Test("both flushes return; none waits forever")
    func concurrentFlushesReturn() async throws {
        let link = try Link()
        // The bank answers nothing: every request, reversals included, times out.
        let (bank, _) = try await link.startBank(faults: FaultPlan(rules: [FaultRule(.dropResponse)]))
        let acquirer = try await link.acquirer(port: bank.port, responseTimeout: .seconds(1))
        let outcome = try await acquirer.authorize(try Link.request(pan: "4111111111111111"))
        #expect(outcome == .reversed(.timeout))
        // The reversal is still pending (not acknowledged). Flush it twice at once.
        let finished = Mutex(0)
        let task = Task {
            async let first: Void = acquirer.flushReversals()
            async let second: Void = acquirer.flushReversals()
            _ = await (first, second)
            finished.withLock { $0 += 1 }
        }
        let deadline = ContinuousClock.now + .seconds(20)
        while finished.withLock({ $0 }) == 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        // Look once more after the deadline.
        #expect(finished.withLock { $0 } == 1, "a flush of the pending reversal never returned")
        if finished.withLock({ $0 }) == 1 { await task.value }
        await acquirer.shutdown()
        await bank.stop()
    }
}
