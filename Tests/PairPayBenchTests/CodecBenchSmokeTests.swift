import Testing

@testable import pairpay_bench

/// The codec benchmarks run for a fraction of a second and produce figures; no timing is asserted.
@Suite("pairpay-bench codec suites execute")
struct CodecBenchSmokeTests {
    @Test func iso8583CodecBenchRuns() throws {
        let result = try ISO8583Bench.measure(seconds: 0.02, repeats: 1)
        #expect(result.encode.values.count == 1 && result.decode.values.count == 1)
        #expect(result.bytes.count == 2)
    }

    @Test func frameCodecBenchRuns() {
        for (_, frame) in LinkBench.frames() {
            let result = LinkBench.measure(frame, seconds: 0.01, repeats: 1)
            #expect(result.encode.values.count == 1 && result.wireBytes > 0)
        }
    }
}
