import ArgumentParser

/// `pairpay-bench`: PairPay's benchmarks, each against its ceiling measured in the same run.
@main
struct PairPayBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pairpay-bench",
        abstract: "PairPay's benchmarks, each measured against its ceiling in the same run.",
        discussion:
            "Build with `swift build -c release`; run with `swift run -c release pairpay-bench <suite>`.",
        subcommands: [
            ISO8583Bench.self, FootprintBench.self, SettlementBench.self, SignInStormBench.self,
            LinkBench.self,
        ])
}
