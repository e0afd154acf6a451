import SettlementHTTP
import Testing

/// The push sender's doorbell: a ring wakes the one waiter at once or is kept for its next wait;
/// without a ring the wait ends at its timeout or when its task is cancelled. The waits below
/// that must end by a ring are an hour long: only the ring can end them inside the time limit.
@Suite(.timeLimit(.minutes(1)))
struct PushDoorbellTests {
    @Test func aRingBeforeTheWaitIsKept() async {
        let doorbell = PushDoorbell()
        doorbell.ring()
        await doorbell.wait(upTo: .seconds(3_600))
    }

    @Test func aRingWakesTheWaiterWhenItComes() async {
        for _ in 0..<200 {
            let doorbell = PushDoorbell()
            let waiter = Task { await doorbell.wait(upTo: .seconds(3_600)) }
            await Task.yield()
            doorbell.ring()
            await waiter.value
        }
    }

    @Test func manyRingsWakeOnceEach() async {
        let doorbell = PushDoorbell()
        for round in 0..<100 {
            let waiter = Task { await doorbell.wait(upTo: .seconds(3_600)) }
            if round % 2 == 0 { await Task.yield() }
            doorbell.ring()
            doorbell.ring()
            await waiter.value
        }
    }

    @Test func withoutARingTheWaitEndsAtItsTimeout() async {
        let doorbell = PushDoorbell()
        await doorbell.wait(upTo: .milliseconds(20))
        await doorbell.wait(upTo: .milliseconds(20))
    }

    @Test func cancellingTheWaitingTaskEndsTheWait() async {
        let doorbell = PushDoorbell()
        let waiter = Task { await doorbell.wait(upTo: .seconds(3_600)) }
        await Task.yield()
        waiter.cancel()
        await waiter.value
        // A ring after that is kept for the next waiter.
        doorbell.ring()
        await doorbell.wait(upTo: .seconds(3_600))
    }
}
