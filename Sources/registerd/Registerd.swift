import ArgumentParser
import DaemonSupport
import Logging
import NIOCore
import Register
import RegisterLink
import RegisterProtocol
import ServiceLifecycle
import StoreGateway
import UnixSignals

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// registerd: the payment terminal daemon a cash register talks to over a serial line.
@main
struct Registerd: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "registerd",
        abstract: "The payment terminal daemon a cash register talks to over a serial line.",
        discussion: """
            registerd opens the register's serial device, answers the register link protocol \
            (hw/PROTOCOL.md) and runs each sale against the settlement server. Lost devices are \
            reopened with back-off; open transactions continue meanwhile.

            Options may also come from a configuration file (--config): one 'key = value' per \
            line, keys named like the long options without the dashes, and from REGISTERD_<OPTION> \
            environment variables. The command line wins over the environment, which wins over the \
            file; every value is checked the same way, whichever source gave it.

            Examples:
              registerd --device /dev/pairpay-register
              registerd --device /tmp/pairpay/terminal --log-level debug
              registerd --list-ports
            """,
        version: version)

    @Option(help: "Serial device of the register (a /dev/serial/by-id/... link, a udev symlink, or a pty).")
    var device: String?

    @Option(
        help:
            "How to drive the device: auto (termios for ptys, libserialport otherwise), termios, libserialport."
    )
    var transport: TransportKind = .auto

    @Option(help: "Baud rate, 1200 to 921600.")
    var baud = 115200

    @Option(name: .customLong("data-bits"), help: "Data bits (the protocol is binary and needs 8).")
    var dataBits = 8

    @Option(help: "Parity.")
    var parity: SerialSettings.Parity = .none

    @Option(name: .customLong("stop-bits"), help: "Stop bits: 1 or 2.")
    var stopBits = 1

    @Option(name: .customLong("flow-control"), help: "Flow control.")
    var flowControl: SerialSettings.FlowControl = .none

    @Option(
        name: .customLong("terminal-id"),
        help: "This terminal's id, sent in HELLO REPLY, starting every order id, and the lane at settlementd."
    )
    var terminalID = "PP-TERM-1"

    @Option(name: .customLong("inter-byte-timeout-ms"), help: "T_byte: longest gap inside a frame.")
    var interByteTimeout = 200

    @Option(name: .customLong("ack-timeout-ms"), help: "T_ack: wait for an ACK before resending.")
    var ackTimeout = 500

    @Option(name: .customLong("max-retransmissions"), help: "N_retry: resends of an unacknowledged frame.")
    var maxRetransmissions = 3

    @Option(
        name: .customLong("progress-interval-ms"),
        help: "T_progress: PROGRESS period while a transaction is open, 100 to 60000.")
    var progressInterval = 1000

    @Option(name: .customLong("log-level"), help: "Log level (debug adds the frame trace).")
    var logLevel: Logger.Level = .info

    @Option(name: .customLong("log-format"), help: "text (for people) or json (one object per line).")
    var logFormat: LogFormat = .text

    @Option(
        name: .customLong("metrics-listen"),
        help: "HOST:PORT for GET /metrics (Prometheus text, plain HTTP: keep it on loopback). Off by default."
    )
    var metricsListen: String?

    @Option(
        help: "Journal file (SQLite): sales, voids and totals survive restarts. Without it nothing does.")
    var journal: String?

    @Option(
        help: """
            A configuration file: one 'key = value' per line, keys are these long options without the \
            dashes, '#' starts a comment. REGISTERD_<OPTION> environment variables (upper case, '-' as \
            '_') set options too; the command line wins over the environment, which wins over the file.
            """)
    var config: String?

    // MARK: settlement gateway (docs/IN-STORE-CONTRACT.md)

    @Option(
        name: .customLong("settlement-url"),
        help: "https://HOST:PORT of settlementd. Without it sales end with RESULT settlement-not-configured.")
    var settlementURL: String?

    @Option(
        name: .customLong("settlement-ca"), help: "PEM file of the CA settlementd's certificate chains to.")
    var settlementCA: String?

    @Option(
        name: .customLong("merchant-id"), help: "The merchant id enrolled with 'pairpay enroll merchant'.")
    var merchantID: String?

    @Option(name: .customLong("store-auth"), help: "How the store authenticates to settlementd.")
    var storeAuth: StoreAuthenticationMethod?

    @Option(name: .customLong("client-cert"), help: "PEM client certificate (store-auth mtls).")
    var clientCert: String?

    @Option(
        name: .customLong("client-key"), help: "PEM private key of the client certificate, mode 0600 (mtls).")
    var clientKey: String?

    @Option(name: .customLong("mac-key-id"), help: "The store's MAC key id (store-auth mac).")
    var macKeyID: String?

    @Option(name: .customLong("mac-key-file"), help: "File with the hex MAC key, mode 0600 (store-auth mac).")
    var macKeyFile: String?

    @Option(
        name: .customLong("server-public-key"),
        help: "File with settlementd's Ed25519 result key in hex ('pairpay keys server-signing').")
    var serverPublicKey: String?

    @Option(name: .customLong("result-paths"), help: "Comma list of relay, push, query.")
    var resultPaths = Self.defaultResultPaths

    @Option(
        name: .customLong("relay-listen"),
        help: "HOST:PORT of the relay endpoint (POST /v1/relay); port 0 picks a free one.")
    var relayListen: String?

    @Option(
        name: .customLong("relay-url"), help: "The relay URL for the phone when it differs from relay-listen."
    )
    var relayURL: String?

    @Option(
        name: .customLong("payload-format"),
        help: "The phone payload: url (a checkout link any phone camera opens) or pairpay1.")
    var payloadFormat: PhonePayloadFormat = .checkoutURL

    @Option(
        name: .customLong("checkout-url"),
        help:
            "settlementd's address as phones reach it, https://HOST[:PORT], for the checkout link (default: settlement-url)."
    )
    var checkoutURL: String?

    @Option(
        name: .customLong("push-listen"),
        help: "HOST:PORT of the HTTPS push receiver (POST /v1/push); port 0 picks a free one.")
    var pushListen: String?

    @Option(name: .customLong("push-cert"), help: "PEM certificate of the push receiver.")
    var pushCert: String?

    @Option(name: .customLong("push-key"), help: "PEM private key of the push receiver, mode 0600.")
    var pushKey: String?

    @Option(
        name: .customLong("push-secret-file"),
        help: "File with the hex push secret of 'pairpay enroll merchant --push-url', mode 0600.")
    var pushSecretFile: String?

    @Option(
        name: .customLong("poll-interval-ms"), help: "First query interval, 100 to 8000, doubled up to 8000.")
    var pollInterval = Self.defaultPollIntervalMilliseconds

    @Option(
        name: .customLong("order-ttl-seconds"),
        help: "How long the customer has to pay (expiresInSeconds of the first request), 10 to 3600.")
    var orderTTL = Self.defaultOrderTTLSeconds

    @Flag(name: .customLong("list-ports"), help: "List the serial ports with their USB ids and exit.")
    var listPorts = false

    /// The one place the whole configuration is checked, whichever source each value came from
    /// (the command line, `REGISTERD_…` variables or the `--config` file, merged by
    /// ``optionSources``): an error names the option at fault.
    func validate() throws {
        guard !listPorts else { return }
        _ = try RegisterdSettings(options: self)
    }

    func run() async throws {
        if listPorts {
            print(SerialPortLister.render(try SerialPortLister.list()), terminator: "")
            return
        }
        let settings = try RegisterdSettings(options: self)
        settings.logFormat.bootstrap(level: settings.logLevel)
        let logger = Logger(label: "registerd")
        var metricsTask: Task<Void, Never>?
        if let listen = settings.metricsListen {
            let registry = MetricsEndpoint.bootstrap()
            let (port, task) = try await MetricsEndpoint.start(
                listen: listen, registry: registry, logger: logger)
            metricsTask = task
            Self.say(
                "metrics on http://\(listen.split(separator: ":").dropLast().joined(separator: ":")):\(port)/metrics"
            )
        }
        defer { metricsTask?.cancel() }
        let serial = settings.transportKind.makeTransport(path: settings.device, settings: settings.serial)
        logger.info(
            "registerd \(Self.version) starting: device \(settings.device) via \(settings.transportKind.resolved(for: settings.device).rawValue), \(settings.serial.baudRate) baud, terminal \(settings.terminalID)"
        )
        let gateway: any SettlementGateway
        let httpGateway: HTTPSettlementGateway?
        var listeners: [GatewayListener] = []
        if let settlement = settings.settlement {
            let configured = try HTTPSettlementGateway(configuration: settlement, logger: logger)
            listeners = try configured.listenerServices()
            logger.info(
                "settlement server \(settlement.settlementURL) as merchant \(settlement.merchantID) (\(settlement.authentication.name))"
            )
            gateway = configured
            httpGateway = configured
        } else {
            logger.notice("settlement not configured: sales will end with RESULT settlement-not-configured")
            gateway = UnconfiguredSettlementGateway()
            httpGateway = nil
        }
        let link = SerialLink(transport: serial, configuration: settings.link, logger: logger)
        let journal = try settings.journalPath.map { path throws(RegisterJournalError) in
            try RegisterJournal(path: path)
        }
        if let path = settings.journalPath {
            logger.info("journal \(path)")
        } else {
            logger.warning("no --journal: transactions and totals are lost when registerd stops")
        }
        let service = try RegisterService(
            link: link,
            configuration: .init(
                terminalID: settings.terminalID, software: "registerd \(Self.version)",
                progressInterval: settings.progressInterval),
            gateway: gateway, logger: logger, journal: journal)
        let resultPaths = settings.settlement?.resultPathList
        // The listeners bind first: the relay URL goes into every payment request, the one of a
        // sale resumed after a restart too. Then the transactions run and the link opens.
        let listenersBound = StartGate()
        let transactions = RegisterTransactionService(service) { [listeners] in
            var lines: [String] = []
            for listener in listeners {
                // nil: it could not listen; the group ends with its error, naming the option.
                guard let base = await listener.boundURL() else {
                    listenersBound.open(proceed: false)
                    return false
                }
                lines.append(
                    listener.role == .relay ? "relay endpoint on \(base)" : "push receiver on \(base)")
            }
            if let resultPaths { Self.say("settlement gateway ready (result paths: \(resultPaths))") }
            lines.forEach(Self.say)
            listenersBound.open(proceed: true)
            return true
        }
        let linkService = SerialLinkService(link: link, logger: logger) { await listenersBound.wait() }
        // SIGHUP reads the TLS listeners' certificates again; trapped now, before anything
        // listens, so that it never meets the signal's default action (the end of registerd).
        let certificates = ListenerCertificateService(
            certificates: httpGateway?.tlsListenerCertificates ?? [],
            signals: await UnixSignalsSequence(trapping: .sighup), logger: logger)
        // Graceful shutdown runs from the last service to the first: the link closes (its events
        // end, and the transactions with them), then the push receiver and the relay endpoint
        // finish their requests and stop.
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: certificates)] + listeners.map { .init(service: $0) } + [
                    .init(service: transactions), .init(service: linkService),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            await httpGateway?.shutdown()
            throw error
        }
        await httpGateway?.shutdown()
        logger.info("registerd stopped")
    }

    /// Parses the command line over the environment over the configuration file
    /// (``OptionSources``), then runs.
    static func main() async {
        // One event loop serves a terminal's few connections (the settlement client, the relay
        // endpoint, the push receiver, /metrics); NIO would otherwise start one per core.
        NIOSingletons.groupLoopCountSuggestion = 1
        await optionSources.run(Self.self)
    }

    /// The options a configuration file and `REGISTERD_…` variables may set: every long option
    /// but `config` and `list-ports` (a test checks this list against `registerd --help`).
    static let optionSources = OptionSources(
        keys: [
            "device", "transport", "baud", "data-bits", "parity", "stop-bits", "flow-control", "terminal-id",
            "inter-byte-timeout-ms", "ack-timeout-ms", "max-retransmissions", "progress-interval-ms",
            "log-level", "log-format", "metrics-listen", "journal", "settlement-url", "settlement-ca",
            "merchant-id", "store-auth", "client-cert", "client-key", "mac-key-id", "mac-key-file",
            "server-public-key", "result-paths", "relay-listen", "relay-url", "payload-format",
            "checkout-url",
            "push-listen", "push-cert", "push-key", "push-secret-file", "poll-interval-ms",
            "order-ttl-seconds",
        ], environmentPrefix: "REGISTERD_")

    /// `--result-paths` when not given (docs/IN-STORE-CONTRACT.md).
    static let defaultResultPaths = "relay,query"
    /// `--poll-interval-ms` when not given.
    static let defaultPollIntervalMilliseconds = 1000
    /// `--order-ttl-seconds` when not given.
    static let defaultOrderTTLSeconds = 120

    /// Prints one line for operators and scripts on stdout, at once.
    static func say(_ line: String) {
        StandardOutput.writeLine(line)
    }
}
