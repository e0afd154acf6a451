// swift-tools-version: 6.2
// PairPay: paying at a shop counter with a phone, without the shop ever seeing the card.
import PackageDescription

let package = Package(
    name: "PairPay",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "PairPayCore", targets: ["PairPayCore"]),
        .executable(name: "registerd", targets: ["registerd"]),
        .library(name: "RegisterProtocol", targets: ["RegisterProtocol"]),
        .library(name: "ISO8583", targets: ["ISO8583"]),
        .library(name: "BankHost", targets: ["BankHost"]),
        .library(name: "Acquirer", targets: ["Acquirer"]),
        .executable(name: "banksim", targets: ["banksim"]),
        .executable(name: "settlementd", targets: ["settlementd"]),
        .executable(name: "pairpay", targets: ["pairpay"]),
        .library(name: "PhoneAgent", targets: ["PhoneAgent"]),
        .executable(name: "payagent", targets: ["payagent"]),
        .executable(name: "pairpay-bench", targets: ["pairpay-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // 4.x: FoundationEssentials on Linux (3.x imports Foundation, and with it ICU, into registerd).
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        // Settlement HTTP (issue 3): TLS server, PKI, push client, lifecycle.
        // Without its default traits: no swift-configuration and FoundationEssentials instead of
        // Foundation (PairPay uses neither its config reader nor its URL-encoded forms).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // settlementd on PostgreSQL, for several instances on one database (issue 13).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // Metrics (issue 13): swift-metrics' API, exposed in the Prometheus format by swift-prometheus.
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // Pure domain types: money, orders, canonical encodings. No I/O, no clock, no randomness.
        .target(name: "PairPayCore", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(
            name: "PairPayCoreTests",
            dependencies: ["PairPayCore", .product(name: "Crypto", package: "swift-crypto")]),

        // The settlement engine (issue 3): matching, authorization, SQLite store, vault, credentials.
        .target(
            name: "Settlement",
            dependencies: [
                "PairPayCore", "Acquirer", "DurableSQLite",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]),
        .testTarget(
            name: "SettlementTests",
            dependencies: [
                "LogCapture", "SettlementPostgres", "PostgresTestSupport",
                "Settlement", "PairPayCore", "Acquirer", "BankHost", "DurableSQLite",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]),

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
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]),
        // libqrencode from Debian's libqrencode-dev: QR codes from a well-kept library (issue 12).
        .systemLibrary(
            name: "CQRencode", pkgConfig: "libqrencode",
            providers: [.apt(["libqrencode-dev"])]),
        // QR codes: libqrencode's symbol as a value, drawn as terminal text, SVG or PNG.
        .target(name: "PairPayQR", dependencies: ["CQRencode"]),
        .testTarget(name: "PairPayQRTests", dependencies: ["PairPayQR"]),
        .target(name: "RegisterLinkTestSupport", dependencies: ["RegisterLink", "RegisterProtocol"]),
        // In-memory log capture for tests: what was logged, and that no secret was.
        .target(name: "LogCapture", dependencies: [.product(name: "Logging", package: "swift-log")]),
        .testTarget(
            name: "RegisterLinkTests",
            dependencies: ["LogCapture", "RegisterLink", "RegisterProtocol", "RegisterLinkTestSupport"]),
        // The store side of registerd: transactions on the link, settlement gateway, totals.
        .target(
            name: "Register",
            dependencies: [
                "PairPayCore", "RegisterProtocol", "RegisterLink", "BlockingWork",
                // SQLite's C API for the journal; GRDB (and the Foundation it imports) stays out
                // of registerd.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .testTarget(
            name: "RegisterTests",
            dependencies: [
                "LogCapture", "Register", "RegisterLink", "RegisterProtocol", "RegisterLinkTestSupport",
                "BlockingWork", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]),
        // What PairPay's daemons share: the configuration file, options from the environment, and
        // JSON log lines.
        .target(
            name: "DaemonSupport",
            dependencies: [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                // HTTPListener: NIO's HTTP/1.1 handlers, not a web framework (issue 17, footprint).
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]),
        .testTarget(
            name: "DaemonSupportTests",
            dependencies: [
                "DaemonSupport", .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
        .executableTarget(
            name: "registerd",
            dependencies: [
                "DaemonSupport",
                "Register", "RegisterLink", "RegisterProtocol",
                "StoreGateway", "PairPayCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]),
        // registerd's HTTPS settlement gateway (issue 5): first request, result paths (relay
        // endpoint, push receiver, query), cancel and void, every result verified.
        .target(
            name: "StoreGateway",
            dependencies: [
                "Register", "PairPayCore", "RegisterProtocol", "DaemonSupport",
                // Its HTTPS client is NIO's HTTP/1.1 and TLS handlers directly (SettlementClient):
                // AsyncHTTPClient would bring HTTP/2, Foundation and ICU into registerd.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]),
        .testTarget(
            name: "StoreGatewayTests",
            dependencies: [
                "StoreGateway", "Register", "RegisterProtocol", "PairPayCore", "PairPayPKI",
                "RegisterLink", "RegisterLinkTestSupport", "LogCapture",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "RegisterdTests",
            dependencies: ["RegisterProtocol", "RegisterLinkTestSupport"]),
        // The libserialport path, smoke-tested on a pty inside a private mount namespace.
        .testTarget(
            name: "LibSerialPortTests",
            dependencies: ["RegisterLink", "RegisterProtocol", "RegisterLinkTestSupport"]),
        // A serial executor on a dispatch queue, for actors whose work blocks (fsync).
        .target(name: "BlockingWork"),
        // SQLite for money state: WAL with synchronous=FULL set after opening.
        .target(name: "DurableSQLite", dependencies: [.product(name: "GRDB", package: "GRDB.swift")]),

        // ISO 8583 messages and their TCP framing: pure, no dependencies. Spec: docs/ISO8583.md.
        .target(name: "ISO8583"),
        .testTarget(
            name: "ISO8583Tests", dependencies: ["ISO8583", "PairPayCore"],
            exclude: ["Vectors/generate_vectors.py"],
            resources: [.copy("Vectors/vectors.json")]),

        // ISO 8583 over SwiftNIO: the 2-byte length framing as channel handlers.
        .target(
            name: "ISO8583NIO",
            dependencies: ["ISO8583", .product(name: "NIOCore", package: "swift-nio")]),

        // A simulated card issuer host speaking ISO 8583 over TCP, with a durable ledger.
        .target(
            name: "BankHost",
            dependencies: [
                "ISO8583", "ISO8583NIO", "PairPayCore", "DurableSQLite",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "banksim",
            dependencies: [
                "DaemonSupport", .product(name: "CoreMetrics", package: "swift-metrics"),
                "BankHost",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "BankHostTests",
            dependencies: [
                "LogCapture",
                "BankHost", "ISO8583", "ISO8583NIO", "PairPayCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        // The acquirer side: PairPayCore's Acquirer protocol spoken as ISO 8583 to a bank host.
        .target(
            name: "Acquirer",
            dependencies: [
                "ISO8583", "ISO8583NIO", "PairPayCore", "DurableSQLite",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]),
        .testTarget(
            name: "AcquirerTests",
            dependencies: [
                "LogCapture", "SettlementPostgres", "PostgresTestSupport",
                "Acquirer", "BankHost", "ISO8583", "PairPayCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),

        // PKI for PairPay's test CA, server and client certificates (P-256, PEM), without openssl.
        .target(
            name: "PairPayPKI",
            dependencies: [
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // The settlement server's HTTP API over TLS: routes, authentication, metrics, push sender.
        .target(
            name: "SettlementHTTP",
            dependencies: [
                "PairPayCore", "PairPayPKI",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The seam between engine and HTTP: adapters (engine → SettlementAPI, store →
        // CredentialDirectory and PushDeliveryQueue) and housekeeping, so neither side imports the other.
        // The payment pages (issue 12): any phone's browser pays on settlementd, no app.
        .target(
            name: "SettlementWeb",
            dependencies: [
                "SettlementHTTP", "PairPayCore", "PairPayQR",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "SettlementWebTests",
            dependencies: [
                "SettlementWeb", "SettlementHTTP", "PairPayCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]),
        // The settlement and acquirer stores on PostgreSQL, shared by several settlementd instances.
        .target(
            name: "SettlementPostgres",
            dependencies: [
                "Settlement", "Acquirer", "PairPayCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // A throwaway database on the test PostgreSQL server (PAIRPAY_TEST_POSTGRES_URL) per test.
        .target(
            name: "PostgresTestSupport",
            dependencies: [
                "SettlementPostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "SettlementPostgresTests",
            dependencies: [
                "SettlementPostgres", "PostgresTestSupport", "Settlement", "Acquirer", "PairPayCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "SettlementServer",
            dependencies: [
                "Settlement", "SettlementHTTP", "SettlementWeb", "PairPayCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "settlementd",
            dependencies: [
                "DaemonSupport",
                "SettlementServer", "Settlement", "SettlementHTTP", "SettlementWeb", "Acquirer",
                "SettlementPostgres",
                "PairPayCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The three-way reconciliation (issue 15): every lane's journal, the settlement store, the
        // acquirer's state and the bank's ledger, read-only, compared to the unit per day and lane.
        .target(
            name: "Reconciliation",
            dependencies: [
                "Register", "RegisterProtocol", "Settlement", "SettlementPostgres", "Acquirer", "BankHost",
                "PairPayCore", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "ReconciliationTests",
            dependencies: ["Reconciliation", "BankHost", "PairPayCore", "RegisterProtocol"]),
        // The whole in-store system as processes on one machine: `pairpay demo` and the in-store tests.
        .target(
            name: "InStoreCluster",
            dependencies: [
                "PairPayPKI", "PairPayCore", "RegisterProtocol", "RegisterLinkTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]),
        .testTarget(
            name: "BrowserTests",
            dependencies: [
                "InStoreCluster", "PairPayCore", "RegisterProtocol", "RegisterLinkTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]),
        .testTarget(
            name: "InStoreEndToEndTests",
            dependencies: ["InStoreCluster", "PairPayCore", "RegisterProtocol", "RegisterLinkTestSupport"]),
        .executableTarget(
            name: "pairpay",
            dependencies: [
                "InStoreCluster", "RegisterProtocol", "Acquirer", "SettlementPostgres", "Reconciliation",
                .product(name: "Logging", package: "swift-log"),
                "PairPayPKI", "PairPayCore", "Settlement", "PairPayQR",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .testTarget(
            name: "SettlementHTTPTests",
            dependencies: [
                "SettlementHTTP", "PairPayPKI", "PairPayCore",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]),
        // The settlement server end to end: real TLS on loopback, processes, certificates from PairPayPKI.
        .testTarget(
            name: "SettlementEndToEndTests",
            dependencies: [
                "SettlementHTTP", "PairPayPKI", "PairPayCore", "RegisterLinkTestSupport",
                "PostgresTestSupport", "SettlementPostgres", "Acquirer", "BankHost", "InStoreCluster",
                "RegisterProtocol",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The customer's phone (issue 5): payment code, second request, result check, relay. Its HTTP
        // goes through a protocol, so it depends on nothing that a phone does not have.
        .target(
            name: "PhoneAgent",
            dependencies: ["PairPayCore", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(
            name: "PhoneAgentTests",
            dependencies: ["PhoneAgent", "PairPayCore", .product(name: "Crypto", package: "swift-crypto")]),
        // The phone agent as a command: AsyncHTTPClient transport with the PairPay CA and mutual TLS.
        .executableTarget(
            name: "payagent",
            dependencies: [
                "PhoneAgent", "PairPayCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // Benchmarks with their ceilings measured in the same run (issue 6): `swift run -c release
        // pairpay-bench <suite>`; figures and method in BENCHMARKS.md.
        .executableTarget(
            name: "pairpay-bench",
            dependencies: [
                "ISO8583", "RegisterProtocol", "DurableSQLite", "InStoreCluster", "PairPayCore", "PhoneAgent",
                "RegisterLinkTestSupport", "SettlementPostgres",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // Runs the codec benchmarks for a fraction of a second: they execute (no timing asserted).
        .testTarget(name: "PairPayBenchTests", dependencies: ["pairpay-bench"]),
    ]
)

// The soak's reconciler (Sources/InStoreCluster/Soak) reads registerd's journal, the settlement
// store, the acquirer's file and the bank's ledger; its tests doctor those files.
package.targets.first { $0.name == "InStoreCluster" }?.dependencies += [
    "Register", "Settlement", "SettlementPostgres", "Acquirer", "Reconciliation",
    .product(name: "GRDB", package: "GRDB.swift"),
    .product(name: "Logging", package: "swift-log"),
]
package.targets.first { $0.name == "InStoreEndToEndTests" }?.dependencies += [
    .product(name: "GRDB", package: "GRDB.swift"), "PostgresTestSupport", "Reconciliation",
]
