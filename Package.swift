// swift-tools-version: 6.2
// PairPay: paying at a shop counter with a phone, without the shop ever seeing the card.
import PackageDescription

let package = Package(
    name: "PairPay",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "PairPayCore", targets: ["PairPayCore"]),
        .executable(name: "registerd", targets: ["registerd"]),
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

        // The register link protocol without I/O: CRC, framing, link state machine, messages.
        .target(name: "RegisterProtocol", dependencies: ["PairPayCore"]),
        .testTarget(
            name: "RegisterProtocolTests",
            dependencies: [
                "RegisterProtocol",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]),

        // libserialport from Debian's libserialport-dev, for real serial devices.
        .systemLibrary(
            name: "CLibSerialPort", pkgConfig: "libserialport",
            providers: [.apt(["libserialport-dev"])]),

        // The serial link with I/O: transports (libserialport, termios) and the link driver thread.
        .target(
            name: "RegisterLink",
            dependencies: [
                "RegisterProtocol", "CLibSerialPort",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(name: "RegisterLinkTestSupport", dependencies: ["RegisterLink", "RegisterProtocol"]),
        .testTarget(
            name: "RegisterLinkTests",
            dependencies: ["RegisterLink", "RegisterProtocol", "RegisterLinkTestSupport"]),
        // The store side of registerd: transactions on the link, settlement gateway, totals.
        .target(
            name: "Register",
            dependencies: [
                "PairPayCore", "RegisterProtocol", "RegisterLink",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "RegisterTests",
            dependencies: ["Register", "RegisterLink", "RegisterProtocol", "RegisterLinkTestSupport"]),
        .executableTarget(
            name: "registerd",
            dependencies: [
                "Register", "RegisterLink", "RegisterProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The libserialport path, smoke-tested on a pty inside a private mount namespace.
        .testTarget(
            name: "LibSerialPortTests",
            dependencies: ["RegisterLink", "RegisterProtocol", "RegisterLinkTestSupport"]),
    ]
)
