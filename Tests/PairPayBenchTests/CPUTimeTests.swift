import Foundation
import Testing

@testable import pairpay_bench

/// The settlement suite's CPU ceiling rests on reading CPU time from /proc and getrusage.
@Suite struct CPUTimeTests {
    @Test func procAndGetrusageAgreeOnThisProcess() throws {
        let pid = getpid()
        let procBefore = try #require(CPUTime.milliseconds(of: pid))
        let selfBefore = CPUTime.ofSelf()
        // Spend at least 60 ms of CPU (by getrusage's count, however long that takes).
        var state: UInt64 = 1
        while CPUTime.ofSelf() - selfBefore < 60 {
            for _ in 0..<100_000 { state = state &* 6_364_136_223_846_793_005 &+ 1 }
        }
        #expect(state != 0)
        let procSpent = try #require(CPUTime.milliseconds(of: pid)) - procBefore
        let selfSpent = CPUTime.ofSelf() - selfBefore
        // /proc counts in clock ticks (10 ms at 100 Hz): the two agree to within two ticks.
        #expect(
            abs(procSpent - selfSpent) <= 20 + selfSpent * 0.1,
            "proc \(procSpent) ms, getrusage \(selfSpent) ms")
    }

    @Test func aProcessThatIsGoneHasNoCPUTime() {
        #expect(CPUTime.milliseconds(of: Int32.max) == nil)
    }

    @Test func theCeilingIsTheCoresOverTheCPUOfOnePair() {
        var cpu = PairCPU()
        let start = PairCPU.Snapshot(settlement: 100, bank: 50, client: 20)
        cpu.add(from: start, to: PairCPU.Snapshot(settlement: 130, bank: 60, client: 30), pairs: 10)
        #expect(cpu.perPairSummary == "3.00 / 1.00 / 1.00")
        #expect(cpu.ceiling(cores: 2) == 400)  // 2 000 CPU-ms per second ÷ 5 ms per pair
    }
}
