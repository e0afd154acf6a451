import ArgumentParser

/// Options every suite takes.
struct BenchOptions: ParsableArguments {
    @Option(help: "How many times each measurement is repeated (median and spread are reported).")
    var repeats = 3

    @Option(help: "Seconds per timed measurement.")
    var seconds = 2.0

    @Flag(help: "Write the results into BENCHMARKS.md (between the suite's markers).")
    var write = false
}
