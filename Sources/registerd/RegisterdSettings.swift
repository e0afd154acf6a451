import ArgumentParser
import DaemonSupport
import Logging
import PairPayCore
import RegisterLink
import RegisterProtocol
import StoreGateway

/// registerd's settings, from the command line over the configuration file over the defaults,
/// each checked with an error that names the option and what it accepts.
struct RegisterdSettings {
    /// The keys registerd's configuration file may set: its long options.
    static let configurationKeys: Set<String> = [
        "device", "transport", "baud", "data-bits", "parity", "stop-bits", "flow-control", "terminal-id",
        "inter-byte-timeout-ms", "ack-timeout-ms", "max-retransmissions", "progress-interval-ms", "log-level",
        "log-format", "metrics-listen",
        "journal", "settlement-url", "settlement-ca", "merchant-id", "store-auth", "client-cert",
        "client-key",
        "mac-key-id", "mac-key-file", "server-public-key", "result-paths", "relay-listen", "relay-url",
        "payload-format", "checkout-url",
        "push-listen",
        "push-cert", "push-key", "push-secret-file", "poll-interval-ms", "order-ttl-seconds",
    ]

    var device: String
    var transportKind: TransportKind
    var serial: SerialSettings
    var terminalID: String
    var link: LinkConfiguration
    var progressInterval: Duration
    var logLevel: Logger.Level
    var logFormat: LogFormat
    /// Where `GET /metrics` listens, if anywhere.
    var metricsListen: String?
    var journalPath: String?
    /// The settlement gateway's settings; nil without `settlement-url`.
    var settlement: StoreGatewayConfiguration?

    init(options: Registerd) throws {
        let file =
            try options.config.map { path throws(ConfigurationFileError) in
                try ConfigurationFile(path: path, knownKeys: Self.configurationKeys)
            }
            ?? ConfigurationFile()
        func value(_ given: String?, _ key: String) -> String? { given ?? file[key] }
        func number(_ given: Int?, _ key: String, default fallback: Int) throws -> Int {
            if let given { return given }
            guard let text = file[key] else { return fallback }
            guard let parsed = Int(text) else {
                throw ValidationError("\(key) must be a whole number, not '\(text)'")
            }
            return parsed
        }

        guard let device = value(options.device, "device") else {
            throw ValidationError(
                "no device given: use --device PATH (or 'device = PATH' in the configuration file)")
        }
        self.device = device

        let transportName = value(options.transport, "transport") ?? "auto"
        guard let kind = TransportKind(rawValue: transportName) else {
            throw ValidationError(
                "--transport must be auto, termios or libserialport, not '\(transportName)'")
        }
        transportKind = kind

        let parityName = value(options.parity, "parity") ?? "none"
        guard let parity = SerialSettings.Parity(rawValue: parityName) else {
            throw ValidationError("--parity must be none, odd or even, not '\(parityName)'")
        }
        let flowName = value(options.flowControl, "flow-control") ?? "none"
        guard let flow = SerialSettings.FlowControl(rawValue: flowName) else {
            throw ValidationError("--flow-control must be none, rts-cts or xon-xoff, not '\(flowName)'")
        }
        let dataBits = try number(options.dataBits, "data-bits", default: 8)
        guard dataBits == 8 else {
            throw ValidationError(
                "--data-bits must be 8: the register link protocol is binary (hw/PROTOCOL.md §1)")
        }
        serial = SerialSettings(
            baudRate: try number(options.baud, "baud", default: 115200), dataBits: dataBits, parity: parity,
            stopBits: try number(options.stopBits, "stop-bits", default: 1), flowControl: flow)
        do {
            try serial.validate()
        } catch {
            throw ValidationError(error.description)
        }

        terminalID = value(options.terminalID, "terminal-id") ?? "PP-TERM-1"
        // The terminal id starts every order id registerd makes, and order ids stand in URLs.
        guard OrderContents.isValidIdentifier(terminalID, maxLength: 32) else {
            throw ValidationError(
                "--terminal-id must be 1 to 32 characters from A-Z a-z 0-9 - . _ ~ (it starts every order id)"
            )
        }

        link = LinkConfiguration(
            interByteTimeout: .milliseconds(
                try number(options.interByteTimeout, "inter-byte-timeout-ms", default: 200)),
            ackTimeout: .milliseconds(try number(options.ackTimeout, "ack-timeout-ms", default: 500)),
            maximumRetransmissions: try number(options.maxRetransmissions, "max-retransmissions", default: 3))
        do {
            try link.validate()
        } catch {
            throw ValidationError(error.description)
        }
        let progressMilliseconds = try number(options.progressInterval, "progress-interval-ms", default: 1000)
        guard (100...60_000).contains(progressMilliseconds) else {
            throw ValidationError("--progress-interval-ms must be between 100 and 60000")
        }
        progressInterval = .milliseconds(progressMilliseconds)

        let levelName = value(options.logLevel, "log-level") ?? "info"
        guard let level = Logger.Level(rawValue: levelName) else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error")
        }
        logLevel = level
        let formatName = value(options.logFormat, "log-format") ?? "text"
        guard let format = LogFormat(rawValue: formatName) else {
            throw ValidationError("--log-format must be text or json, not '\(formatName)'")
        }
        logFormat = format
        metricsListen = value(options.metricsListen, "metrics-listen")
        journalPath = value(options.journal, "journal")
        do {
            settlement = try Self.settlement(options: options, file: file)
            // The lane this registerd sells at is its terminal id (docs/OPERATOR.md, lanes).
            settlement?.laneID = terminalID
        } catch {
            throw ValidationError(error.description)
        }
    }
}
