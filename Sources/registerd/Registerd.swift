import ArgumentParser
import Dispatch
import Foundation
import Logging
import Register
import RegisterLink
import RegisterProtocol

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
            line, keys named like the long options without the dashes. The command line wins.

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
    var transport: String?

    @Option(help: "Baud rate, 1200 to 921600 (default 115200).")
    var baud: Int?

    @Option(
        name: .customLong("data-bits"), help: "Data bits (default 8; the protocol is binary and needs 8).")
    var dataBits: Int?

    @Option(help: "Parity: none, odd or even (default none).")
    var parity: String?

    @Option(name: .customLong("stop-bits"), help: "Stop bits: 1 or 2 (default 1).")
    var stopBits: Int?

    @Option(
        name: .customLong("flow-control"), help: "Flow control: none, rts-cts or xon-xoff (default none).")
    var flowControl: String?

    @Option(
        name: .customLong("terminal-id"),
        help: "This terminal's id, sent in HELLO REPLY and used in order ids (default PP-TERM-1).")
    var terminalID: String?

    @Option(
        name: .customLong("inter-byte-timeout-ms"), help: "T_byte: longest gap inside a frame (default 200).")
    var interByteTimeout: Int?

    @Option(
        name: .customLong("ack-timeout-ms"), help: "T_ack: wait for an ACK before resending (default 500).")
    var ackTimeout: Int?

    @Option(
        name: .customLong("max-retransmissions"),
        help: "N_retry: resends of an unacknowledged frame (default 3).")
    var maxRetransmissions: Int?

    @Option(
        name: .customLong("progress-interval-ms"),
        help: "T_progress: PROGRESS period while a transaction is open (default 1000).")
    var progressInterval: Int?

    @Option(
        name: .customLong("log-level"),
        help: "Log level: info, debug (adds the frame trace) or trace (default info).")
    var logLevel: String?

    @Option(
        help: "Journal file (SQLite): sales, voids and totals survive restarts. Without it nothing does.")
    var journal: String?

    @Option(help: "Configuration file of 'key = value' lines.")
    var config: String?

    @Flag(name: .customLong("list-ports"), help: "List the serial ports with their USB ids and exit.")
    var listPorts = false

    func run() async throws {
        if listPorts {
            print(SerialPortLister.render(try SerialPortLister.list()), terminator: "")
            return
        }
        let settings = try RegisterdSettings(options: self)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = settings.logLevel
            return handler
        }
        let logger = Logger(label: "registerd")
        let serial = settings.transportKind.makeTransport(path: settings.device, settings: settings.serial)
        logger.info(
            "registerd \(Self.version) starting: device \(settings.device) via \(settings.transportKind.resolved(for: settings.device).rawValue), \(settings.serial.baudRate) baud, terminal \(settings.terminalID)"
        )
        logger.notice("settlement not configured: sales will end with RESULT settlement-not-configured")
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
            gateway: UnconfiguredSettlementGateway(), logger: logger, journal: journal)
        let signals = Self.stopOnSignals(link, logger: logger)
        link.start()
        await service.run()
        _ = signals
        logger.info("registerd stopped")
    }

    /// Stops the link (and so the service) on SIGINT or SIGTERM.
    static func stopOnSignals(_ link: SerialLink, logger: Logger) -> [DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                logger.info("signal \(number): stopping")
                link.stop()
            }
            source.resume()
            return source
        }
    }
}
