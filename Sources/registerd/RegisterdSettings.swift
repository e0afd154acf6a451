import ArgumentParser
import DaemonSupport
import Logging
import PairPayCore
import RegisterLink
import RegisterProtocol
import StoreGateway

/// registerd's settings, made from the parsed options (the command line over the environment
/// over the configuration file, merged by ``Registerd/optionSources``), each checked with an
/// error that names the option and what it accepts.
struct RegisterdSettings {
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

    /// - Throws: `ValidationError` naming the option at fault.
    init(options: Registerd) throws {
        guard let device = options.device else {
            throw ValidationError(
                "no device given: use --device PATH (or 'device = PATH' in the configuration file)")
        }
        self.device = device
        transportKind = options.transport
        guard options.dataBits == 8 else {
            throw ValidationError(
                "--data-bits must be 8: the register link protocol is binary (hw/PROTOCOL.md §1)")
        }
        serial = SerialSettings(
            baudRate: options.baud, dataBits: options.dataBits, parity: options.parity,
            stopBits: options.stopBits, flowControl: options.flowControl)
        do {
            try serial.validate()
        } catch {
            throw ValidationError(error.description)
        }

        terminalID = options.terminalID
        // The terminal id starts every order id registerd makes, and order ids stand in URLs.
        guard OrderContents.isValidIdentifier(terminalID, maxLength: 32) else {
            throw ValidationError(
                "--terminal-id must be 1 to 32 characters from A-Z a-z 0-9 - . _ ~ (it starts every order id)"
            )
        }

        link = LinkConfiguration(
            interByteTimeout: .milliseconds(options.interByteTimeout),
            ackTimeout: .milliseconds(options.ackTimeout),
            maximumRetransmissions: options.maxRetransmissions)
        do {
            try link.validate()
        } catch {
            throw ValidationError(error.description)
        }
        guard (100...60_000).contains(options.progressInterval) else {
            throw ValidationError("--progress-interval-ms must be between 100 and 60000")
        }
        progressInterval = .milliseconds(options.progressInterval)
        logLevel = options.logLevel
        logFormat = options.logFormat
        metricsListen = options.metricsListen
        journalPath = options.journal
        do {
            settlement = try Self.settlement(options: options)
            // The lane this registerd sells at is its terminal id (docs/OPERATOR.md, lanes).
            settlement?.laneID = terminalID
        } catch {
            throw ValidationError(error.description)
        }
    }
}
