import ArgumentParser
import Foundation
import ISO8583

/// `pairpay-bench iso8583`: the Swift codec's encode and decode rate on the 0100/0110 messages of
/// the test vectors, against pyiso8583 on the same messages and spec (bench/iso8583_bench.py).
struct ISO8583Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iso8583", abstract: "ISO 8583 codec: Swift vs pyiso8583 on the same 0100/0110 messages."
    )

    @OptionGroup var options: BenchOptions

    @Option(help: "The Python with pyiso8583 installed (the ceiling); skipped when it cannot import it.")
    var python = ProcessInfo.processInfo.environment["PAIRPAY_BENCH_PYTHON"] ?? ".venv-bench/bin/python"

    /// The messages of Tests/ISO8583Tests/Vectors/generate_vectors.py (AUTH and AUTH_RESPONSE).
    static func messages() throws -> [ISOMessage] {
        let request = ISOMessage(
            mti: try MessageTypeIndicator("0100"),
            fields: [
                .primaryAccountNumber: "4111111111111111", .processingCode: "000000", .amount: "000000001155",
                .transmissionDateTime: "0612153045", .systemTraceAuditNumber: "000123", .localTime: "153045",
                .localDate: "0612", .expirationDate: "2812", .posEntryMode: "010",
                .acquiringInstitution: "123456", .retrievalReferenceNumber: "616215000123",
                .terminalID: "TERM0001", .merchantID: "MERCHANT0000042", .additionalDataPrivate: "737",
                .currencyCode: "392",
            ])
        let response = ISOMessage(
            mti: try MessageTypeIndicator("0110"),
            fields: [
                .primaryAccountNumber: "4111111111111111", .processingCode: "000000", .amount: "000000001155",
                .transmissionDateTime: "0612153045", .systemTraceAuditNumber: "000123",
                .retrievalReferenceNumber: "616215000123", .approvalCode: "A1B2C3", .responseCode: "00",
                .terminalID: "TERM0001", .merchantID: "MERCHANT0000042", .currencyCode: "392",
            ])
        return [request, response]
    }

    /// Encode and decode rates (messages per second) of the Swift codec, one value per repeat.
    static func measure(
        seconds: Double, repeats: Int
    ) throws -> (encode: Samples, decode: Samples, bytes: [Int]) {
        let codec = ISO8583Codec()
        let messages = try messages()
        let encoded = try messages.map { message throws(ISO8583Error) in try codec.encode(message) }
        for (message, bytes) in zip(messages, encoded) where try codec.decode(bytes) != message {
            throw Shell.Failure(description: "the codec does not round-trip \(message.mti)")
        }
        var encodeRates = Samples()
        var decodeRates = Samples()
        var sink = 0
        for _ in 0..<repeats {
            encodeRates.add(
                try rate(seconds: seconds, perCall: messages.count) { () throws(ISO8583Error) in
                    for message in messages { sink &+= try codec.encode(message).count }
                })
            decodeRates.add(
                try rate(seconds: seconds, perCall: messages.count) { () throws(ISO8583Error) in
                    for bytes in encoded { sink &+= try codec.decode(bytes).presentFields.count }
                })
        }
        if sink == 42 { print("") }  // keeps the work observable
        return (encodeRates, decodeRates, encoded.map(\.count))
    }

    /// Calls `work` in batches of 100 until `seconds` pass; items per second.
    static func rate(
        seconds: Double, perCall: Int, _ work: () throws(ISO8583Error) -> Void
    ) throws(ISO8583Error) -> Double {
        let clock = Stopwatch()
        var count = 0
        while true {
            for _ in 0..<100 { try work() }
            count += 100 * perCall
            let elapsed = clock.seconds
            if elapsed >= seconds { return Double(count) / elapsed }
        }
    }

    func run() async throws {
        let machine = Machine.current()
        let swift = try Self.measure(seconds: options.seconds, repeats: options.repeats)
        var report = Report(suite: "iso8583", machine: machine)
        report.header = ["figure", "Swift codec (msg/s)", "pyiso8583 (msg/s)", "Swift / pyiso8583"]
        let ceiling = pythonCeiling()
        func row(_ name: String, _ mine: Samples, _ theirs: Samples?) -> [String] {
            [
                name, mine.summary(), theirs?.summary() ?? "not run",
                theirs.map { Samples.format(mine.median / $0.median, 1) + "×" } ?? "–",
            ]
        }
        report.rows = [
            row("encode 0100+0110", swift.encode, ceiling?.encode),
            row("decode 0100+0110", swift.decode, ceiling?.decode),
        ]
        report.notes = [
            "messages: the 0100 (\(swift.bytes[0]) bytes) and 0110 (\(swift.bytes[1]) bytes) of the test vectors, alternately; "
                + "\(options.repeats) runs of \(Samples.format(options.seconds, 1)) s each, median (min–max)",
            "ceiling: \(ceiling?.library ?? "pyiso8583 not found (pass --python)") on the same spec "
                + "(bench/iso8583_bench.py), one process, same machine, run right after the Swift figures",
        ]
        try report.emit(write: options.write)
    }

    struct PythonCeiling: Decodable {
        let library: String
        let python: String
        let bytes: [Int]
        let encode: [Double]
        let decode: [Double]
    }

    func pythonCeiling() -> (encode: Samples, decode: Samples, library: String)? {
        let script = Report.repositoryRoot + "/bench/iso8583_bench.py"
        let interpreter = python.hasPrefix("/") ? python : Report.repositoryRoot + "/" + python
        guard FileManager.default.isExecutableFile(atPath: interpreter) else {
            print("no Python at \(interpreter): see bench/iso8583_bench.py for the venv")
            return nil
        }
        do {
            let text = try Shell.output(
                interpreter,
                [script, "--seconds", String(options.seconds), "--repeats", String(options.repeats)])
            guard let line = text.split(separator: "\n").last else { return nil }
            let result = try JSONDecoder().decode(PythonCeiling.self, from: Data(line.utf8))
            return (
                Samples(result.encode), Samples(result.decode), "\(result.library), Python \(result.python)"
            )
        } catch {
            print("pyiso8583 did not run: \(error)")
            return nil
        }
    }
}
