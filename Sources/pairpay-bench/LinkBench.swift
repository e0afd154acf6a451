import ArgumentParser
import Foundation
import InStoreCluster
import RegisterProtocol

/// `pairpay-bench link`: the register link's frame codec throughput, and the latency registerd adds
/// between the register and settlementd on a real pty.
struct LinkBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "link",
        abstract: "Frame codec throughput; sale → PAYMENT REQUEST / RESULT latency via registerd.")

    @OptionGroup var options: BenchOptions

    @Option(help: "Sales rung up through registerd for the latency figures.")
    var sales = 20

    @Flag(help: "Only the frame codec (no processes).")
    var codecOnly = false

    /// Representative frames: a Fig. 5 SALE, an ACK, and a full 4096-byte payload (worst case for stuffing: DLE bytes).
    static func frames() -> [(name: String, frame: Frame)] {
        let sale = RegisterMessage.sale(SimulatedRegister.figure5Sale(receipt: "R-0001"))
        let dense = (0..<Frame.maximumPayloadSize).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        return [
            ("SALE (Fig. 5)", Frame(sequence: 1, type: sale.type.rawValue, payload: sale.payload)),
            ("ACK", Frame.ack(1)),
            ("4096-byte payload", Frame(sequence: 2, type: sale.type.rawValue, payload: dense)),
        ]
    }

    /// Encode and decode rates of one frame: frames/s and wire MB/s, one value per repeat; and CRC-16 alone.
    static func measure(
        _ frame: Frame, seconds: Double, repeats: Int
    ) -> (
        encode: Samples, decode: Samples, crc: Samples, wireBytes: Int
    ) {
        let wire = FrameEncoder.encode(frame)
        let batch = 64
        let stream = Array((0..<batch).map { _ in wire }.joined())
        var encode = Samples()
        var decode = Samples()
        var crc = Samples()
        var sink = 0
        let start = ContinuousClock.now
        for _ in 0..<repeats {
            encode.add(
                rate(seconds: seconds, perCall: 1) { sink &+= FrameEncoder.encode(frame).count })
            decode.add(
                rate(seconds: seconds, perCall: batch) {
                    var decoder = FrameDecoder()
                    sink &+= decoder.feed(stream, at: start).count
                })
            crc.add(rate(seconds: seconds, perCall: 1) { sink &+= Int(CRC16.checksum(wire)) })
        }
        if sink == 42 { print("") }
        return (encode, decode, crc, wire.count)
    }

    static func rate(seconds: Double, perCall: Int, _ work: () -> Void) -> Double {
        let clock = Stopwatch()
        var count = 0
        while true {
            for _ in 0..<50 { work() }
            count += 50 * perCall
            let elapsed = clock.seconds
            if elapsed >= seconds { return Double(count) / elapsed }
        }
    }

    func run() async throws {
        let machine = Machine.current()
        var report = Report(suite: "link", machine: machine)
        report.header = ["figure", "value", "ceiling / reference", "ratio"]
        let line = 115_200.0 / 10  // bytes per second at 115200 8N1
        for (name, frame) in Self.frames() {
            let result = Self.measure(frame, seconds: options.seconds / 2, repeats: options.repeats)
            let mb = Double(result.wireBytes) / 1e6
            report.rows.append([
                "encode \(name), \(result.wireBytes) B on the wire (frames/s; MB/s)",
                "\(result.encode.summary()); \(Samples.format(result.encode.median * mb, 1))",
                "CRC-16 alone over the same bytes: \(result.crc.summary())/s",
                Samples.format(100 * result.encode.median / result.crc.median, 0) + " % of CRC-only",
            ])
            report.rows.append([
                "decode \(name) (frames/s; MB/s)",
                "\(result.decode.summary()); \(Samples.format(result.decode.median * mb, 1))",
                "115200-baud line: \(Samples.format(line / Double(result.wireBytes), 1)) frames/s",
                Samples.format(result.decode.median / (line / Double(result.wireBytes)), 0) + "× the line",
            ])
        }
        report.notes.append(
            "codec: \(options.repeats) runs of \(Samples.format(options.seconds / 2, 1)) s per figure, median (min–max); "
                + "decode feeds 64 frames back to back to a fresh FrameDecoder")
        if !codecOnly { try await latencies(&report) }
        try report.emit(write: options.write)
    }

    func latencies(_ report: inout Report) async throws {
        let bench = try await BenchCluster.start()
        do {
            let setup = try InStoreSetup(bench: bench)
            try await bench.cluster.startRegisterd(configuration: setup.configuration)
            try await setup.register.hello()
            // Warm-up sale, then timed ones; the direct first request (same TLS, warm) between sales.
            _ = try await setup.sale(receipt: "W-0001")
            var toPaymentRequest = Samples()
            var toResult = Samples()
            var direct = Samples()
            var ack = Samples()
            for index in 0..<sales {
                let watch = Stopwatch()
                try await setup.register.send(.statusRequest(StatusRequest()))
                ack.add(watch.milliseconds)
                _ = try await setup.register.line.next(within: .seconds(5), "STATUS") {
                    if case .status = $0 { return true } else { return false }
                }
                let times = try await setup.sale(receipt: String(format: "L-%04d", index))
                toPaymentRequest.add(times.paymentRequest)
                toResult.add(times.result)
                let order = "direct-\(index)"
                let first = Stopwatch()
                let response = try await bench.first(orderID: order, amount: 1155)
                guard response.status == 200 else {
                    throw Shell.Failure(description: "direct first request: \(response)")
                }
                direct.add(first.milliseconds)
            }
            report.rows.append([
                "register frame → registerd's ACK over the pty (ms)", ack.summary(2),
                "–", "–",
            ])
            report.rows.append([
                "SALE → PAYMENT REQUEST via registerd (ms, p50 p90)",
                "\(Samples.format(toPaymentRequest.median, 1)), \(Samples.format(toPaymentRequest.percentile(90), 1)) (min \(Samples.format(toPaymentRequest.minimum, 1)))",
                "first request sent directly: \(Samples.format(direct.median, 1)), \(Samples.format(direct.percentile(90), 1))",
                "registerd adds \(Samples.format(toPaymentRequest.median - direct.median, 1)) ms",
            ])
            report.rows.append([
                "phone's verified result → RESULT on the register (ms, p50 p90)",
                "\(Samples.format(toResult.median, 1)), \(Samples.format(toResult.percentile(90), 1)) (min \(Samples.format(toResult.minimum, 1)))",
                "–", "push from settlementd + registerd's check + link",
            ])
            report.notes += [
                "latency: \(sales) Fig. 5 sales rung up on a pty by the simulated register; registerd (release, info log) "
                    + "with MAC store authentication and result by push to real settlementd and banksim on loopback; "
                    + "alice pays in process (PhoneAgent over the benchmark's HTTPS client), so no payagent start-up is counted",
                "method: registerd's added time = SALE → PAYMENT REQUEST minus the same first request (MAC-signed POST /v1/orders) "
                    + "sent directly by the benchmark over a warm TLS connection, alternating with the sales; the register "
                    + "polls the pty every 2 ms (FakeRegister), so each latency carries up to ~2 ms of polling",
            ]
        } catch {
            await bench.shutdown()
            throw error
        }
        await bench.shutdown()
    }
}
