import BlockingWork
import Dispatch
import Testing

@testable import Register

/// The journal's synchronous SQLite writes run inside RegisterService: it must run on a queue of
/// its own, not on Swift's cooperative pool.
@Suite struct BlockingWorkExecutorTests {
    actor Writer {
        let executor = BlockingWorkExecutor(label: "test.writer")
        nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
        var count = 0

        func work() async -> Int {
            dispatchPrecondition(condition: .onQueue(executor.queue))
            count += 1
            let mine = count
            try? await Task.sleep(for: .milliseconds(1))
            // Back on the actor's queue after a suspension, too.
            dispatchPrecondition(condition: .onQueue(executor.queue))
            return mine
        }
    }

    @Test func anActorOnTheExecutorRunsOnItsQueueOneJobAtATime() async {
        let writer = Writer()
        let counts = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<50 { group.addTask { await writer.work() } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(counts.sorted() == Array(1...50))
    }

    @Test func theRegisterServiceRunsOnItsOwnQueue() async throws {
        let h = try await RegisterServiceHarness()
        await h.service.assumeOnOwnQueue()
        await h.stop()
    }
}

extension RegisterService {
    func assumeOnOwnQueue() {
        dispatchPrecondition(condition: .onQueue(executor.queue))
    }
}
