// swift-tools-version: 6.2
// PairPay: paying at a shop counter with a phone, without the shop ever seeing the card.
import PackageDescription

let package = Package(
    name: "PairPay",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "PairPayCore", targets: ["PairPayCore"]),
        .library(name: "ISO8583", targets: ["ISO8583"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // Pure domain types: money, orders, canonical encodings. No I/O, no clock, no randomness.
        .target(name: "PairPayCore"),
        .testTarget(name: "PairPayCoreTests", dependencies: ["PairPayCore"]),

        // ISO 8583 messages and their TCP framing: pure, no dependencies. Spec: docs/ISO8583.md.
        .target(name: "ISO8583"),
        .testTarget(
            name: "ISO8583Tests", dependencies: ["ISO8583"],
            exclude: ["Vectors/generate_vectors.py"],
            resources: [.copy("Vectors/vectors.json")]),

    ]
)
