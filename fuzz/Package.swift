// swift-tools-version: 6.2
// libFuzzer harnesses for PairPay's parsers. Built only with `--sanitize fuzzer` (libFuzzer
// supplies `main`), so they live apart from the root package's ordinary build.
// Run: fuzz/run.sh [seconds]   (see fuzz/README.md)
import PackageDescription

let package = Package(
    name: "PairPayFuzz",
    dependencies: [.package(name: "PairPay", path: "..")],
    targets: [
        .executableTarget(
            name: "FrameDecoderFuzzer",
            dependencies: [.product(name: "RegisterProtocol", package: "PairPay")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]),
        .executableTarget(
            name: "RegisterMessageFuzzer",
            dependencies: [.product(name: "RegisterProtocol", package: "PairPay")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]),
        .executableTarget(
            name: "SettlementRequestFuzzer",
            dependencies: [.product(name: "PairPayCore", package: "PairPay")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]),
        .executableTarget(
            name: "ISO8583Fuzzer",
            dependencies: [.product(name: "ISO8583", package: "PairPay")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]),
    ]
)
