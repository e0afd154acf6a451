import Acquirer
import ArgumentParser
import DaemonSupport
import Foundation
import Logging
import PairPayCore
import ServiceLifecycle
import Settlement
import SettlementHTTP
import SettlementPostgres
import SettlementServer

/// `settlementd`: PairPay's settlement server.
@main
struct Settlementd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settlementd",
        abstract:
            "PairPay's settlement server: pairs the store's and the phone's requests and settles matching ones.",
        discussion: """
            HTTPS only (TLS 1.2+). Stores authenticate by client certificate (mTLS) or request MAC; \
            phones by client certificate, request MAC or user id + password. The API is described at \
            GET /openapi.yaml. Start-up: open the store (SQLite, or PostgreSQL with --database), \
            resolve authorizations a crash interrupted, connect the acquirer, then serve; the line `settlementd listening on https://HOST:PORT (result key id KEYID)` \
            is printed once requests are accepted. SIGTERM or SIGINT stop it gracefully; SIGHUP reads \
            --tls-cert and --tls-key again and presents them from the next connection on (a pair that \
            cannot be used is logged and the old one kept).

            A first run:
              pairpay pki init --dir run/pki
              pairpay keys server-signing --out run/signing.key
              pairpay keys vault --out run/vault.key
              banksim serve --accounts banksim/accounts.sample.json --state run/bank.sqlite --port 9583
              settlementd --tls-cert run/pki/server.pem --tls-key run/pki/server-key.pem \\
                --client-ca run/pki/ca.pem --db run/settlement.sqlite --vault-key run/vault.key \\
                --signing-key run/signing.key --acquirer-port 9583 --acquirer-state run/acquirer.sqlite
            """)

    @Option(help: "Address to listen on.")
    var listen = "127.0.0.1"

    @Option(help: "TCP port; 0 picks a free one (the chosen port is printed).")
    var port = 8443

    @Option(name: .customLong("tls-cert"), help: "PEM file with the server certificate (and intermediates).")
    var tlsCert: String

    @Option(name: .customLong("tls-key"), help: "PEM file with the server's private key.")
    var tlsKey: String

    @Option(
        name: .customLong("client-ca"),
        help: "PEM file with the PairPay CA: client certificates (mTLS) must chain to it.")
    var clientCA: String

    @Option(
        name: .customLong("push-ca"),
        help: "PEM file with the CA that stores' push endpoints chain to (default: --client-ca).")
    var pushCA: String?

    @Option(
        help: """
            The settlement database: a SQLite file (created and migrated if needed; one settlementd). \
            Give --database instead to share PostgreSQL between instances.
            """)
    var db: String?

    @Option(
        help: """
            PostgreSQL for all of settlementd's state, the acquirer's included, shared by every \
            instance: postgres://USER@HOST:PORT/DATABASE[?sslmode=disable|prefer|require]. The password \
            comes from PAIRPAY_DATABASE_PASSWORD (keep it off the command line). Replaces --db and \
            --acquirer-state.
            """)
    var database: String?

    @Option(
        name: .customLong("database-connections"),
        help: "The most PostgreSQL connections this instance opens (with --database).")
    var databaseConnections = 16

    @Option(
        name: .customLong("reversal-retry-seconds"),
        help: """
            How often the acquirer re-sends reversals the bank has not acknowledged and takes over \
            authorizations left unanswered past their deadline (by an instance that died).
            """)
    var reversalRetrySeconds = 30

    @Option(
        name: .customLong("authorization-deadline-seconds"),
        help: """
            How long an order may stay authorizing before any instance takes it over as abandoned \
            (its instance died) and resolves it; more than the acquirer's 30 s take-over deadline.
            """)
    var authorizationDeadlineSeconds = 60

    @Option(
        name: .customLong("vault-key"),
        help:
            "File with the card vault's AES-256 key (from `pairpay keys vault`); keep it outside the database."
    )
    var vaultKey: String

    @Option(
        name: .customLong("signing-key"),
        help: "File with the Ed25519 result-signing key (from `pairpay keys server-signing`).")
    var signingKey: String

    @Option(name: .customLong("acquirer-host"), help: "The bank host (banksim) address.")
    var acquirerHost = "127.0.0.1"

    @Option(name: .customLong("acquirer-port"), help: "The bank host's ISO 8583 TCP port.")
    var acquirerPort: Int

    @Option(
        name: .customLong("acquirer-state"),
        help: "The acquirer's own SQLite file (STANs, authorizations, pending reversals), with --db.")
    var acquirerState: String?

    @Option(
        name: .customLong("acquirer-institution-id"),
        help: "ISO 8583 field 32: this acquirer's institution id (up to 11 digits).")
    var acquirerInstitutionID = "123456"

    @Option(
        name: .customLong("terminal-id"),
        help: "ISO 8583 field 41 for merchants enrolled without a terminal id (up to 8 characters).")
    var terminalID = "PAIRPAY1"

    @Option(
        name: .customLong("order-ttl-seconds"),
        help: "How long an order waits for its other request when the store does not say.")
    var orderTTLSeconds = 120

    @Option(
        name: .customLong("history-retention-days"),
        help: "Days final orders stay queryable by their store (0 = keep forever).")
    var historyRetentionDays = 90

    @Option(
        name: .customLong("store-auth"),
        help: "Comma-separated methods stores may use: mtls, mac.")
    var storeAuth = "mtls,mac"

    @Option(
        name: .customLong("user-auth"),
        help: "Comma-separated methods phones may use: mtls, mac, password.")
    var userAuth = "mtls,mac,password"

    @Option(
        name: .customLong("push-retry-seconds"),
        help: "Delay before the first push retry; doubled after each failure (capped at 10 minutes).")
    var pushRetrySeconds = 2

    @Option(
        name: .customLong("push-poll-ms"),
        help:
            "How often the push sender looks for retries due and results other instances queued, in milliseconds (10-5000); a result this instance decides is pushed at once."
    )
    var pushPollMilliseconds = 100

    @Option(
        name: .customLong("checkout-key"),
        help:
            "File with 64 hex digits signing the payment pages' forms and sessions; give every instance the same one (default: random per process)."
    )
    var checkoutKey: String?

    @Option(
        name: .customLong("password-workers"),
        help: "Threads that check passwords (scrypt), apart from those serving requests (1-64).")
    var passwordWorkers = 1

    @Option(
        name: .customLong("password-queue"),
        help: "Password checks that may wait for a thread (0-4096); past that a sign-in gets 503 busy.")
    var passwordQueue = 32

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    @Option(name: .customLong("log-format"), help: "text (for people) or json (one object per line).")
    var logFormat: LogFormat = .text

    @Option(
        name: .customLong("database-password-file"),
        help: "A file (mode 0600) holding the PostgreSQL password, instead of PAIRPAY_DATABASE_PASSWORD.")
    var databasePasswordFile: String?

    @Option(
        help: """
            A configuration file: one 'key = value' per line, keys are these long options without \
            the dashes, '#' starts a comment. SETTLEMENTD_<OPTION> environment variables (upper case, \
            '-' as '_') set options too; the command line wins over the environment, which wins over the file.
            """)
    var config: String?

    func validate() throws {
        if let database {
            guard db == nil, acquirerState == nil else {
                throw ValidationError(
                    "--database keeps all state in PostgreSQL: leave out --db and --acquirer-state")
            }
            do { _ = try PostgresURL(database) } catch { throw ValidationError("--database: \(error)") }
            if (try? PostgresURL(database))?.password != nil {
                throw ValidationError(
                    "--database must not carry the password (every local user can read a command line): set PAIRPAY_DATABASE_PASSWORD"
                )
            }
        } else {
            guard db != nil, acquirerState != nil else {
                throw ValidationError(
                    "give --db and --acquirer-state (SQLite, one settlementd) or --database (PostgreSQL, shared)"
                )
            }
        }
        if databasePasswordFile != nil, database == nil {
            throw ValidationError("--database-password-file goes with --database")
        }
        guard (1...256).contains(databaseConnections) else {
            throw ValidationError("--database-connections must be between 1 and 256")
        }
        guard (1...3600).contains(reversalRetrySeconds) else {
            throw ValidationError("--reversal-retry-seconds must be between 1 and 3600")
        }
        guard authorizationDeadlineSeconds >= 35 else {
            throw ValidationError(
                "--authorization-deadline-seconds must be at least 35: longer than the acquirer's take-over deadline (30 s)"
            )
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0-65535") }
        guard (1...65535).contains(acquirerPort) else {
            throw ValidationError("--acquirer-port must be 1-65535")
        }
        guard orderTTLSeconds > 0 else { throw ValidationError("--order-ttl-seconds must be positive") }
        guard historyRetentionDays >= 0 else {
            throw ValidationError("--history-retention-days must be 0 or more")
        }
        guard pushRetrySeconds > 0 else { throw ValidationError("--push-retry-seconds must be positive") }
        guard (10...5000).contains(pushPollMilliseconds) else {
            throw ValidationError("--push-poll-ms must be between 10 and 5000")
        }
        guard (1...64).contains(passwordWorkers) else {
            throw ValidationError("--password-workers must be between 1 and 64")
        }
        guard (0...4096).contains(passwordQueue) else {
            throw ValidationError("--password-queue must be between 0 and 4096")
        }
        guard !terminalID.isEmpty, terminalID.count <= 8 else {
            throw ValidationError("--terminal-id must be 1-8 characters")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError(
                "--log-level must be trace, debug, info, notice, warning, error or critical")
        }
        _ = try policy()
    }

    func run() async throws {
        logFormat.bootstrap(level: Logger.Level(rawValue: logLevel) ?? .info)
        let logger = Logger(label: "pairpay.settlementd")
        try await serve(logger: logger)
    }

    /// Parses the command line over the environment over the configuration file
    /// (``OptionSources``), then runs.
    static func main() async { await optionSources.run(Self.self) }

    /// The options a configuration file and `SETTLEMENTD_…` variables may set: every long option
    /// but `config` itself (a test checks this list against `settlementd --help`).
    static let optionSources = OptionSources(
        keys: [
            "listen", "port", "tls-cert", "tls-key", "client-ca", "push-ca", "db", "database",
            "database-connections", "database-password-file", "reversal-retry-seconds",
            "authorization-deadline-seconds", "vault-key", "signing-key", "acquirer-host", "acquirer-port",
            "acquirer-state", "acquirer-institution-id", "terminal-id", "order-ttl-seconds",
            "history-retention-days", "store-auth", "user-auth", "push-retry-seconds", "push-poll-ms",
            "checkout-key", "password-workers", "password-queue", "log-level", "log-format",
        ], environmentPrefix: "SETTLEMENTD_")
}
