import Acquirer
import ArgumentParser
import Crypto
import Foundation
import Hummingbird
import Logging
import PairPayCore
import ServiceLifecycle
import Settlement
import SettlementHTTP
import SettlementPostgres
import SettlementServer
import SettlementWeb
import UnixSignals

extension Settlementd {
    /// Opens everything in order and serves until SIGTERM/SIGINT.
    func serve(logger: Logger) async throws {
        let signer = try Self.loadSigner(path: signingKey)
        let vault: Vault
        do { vault = try Vault(keyFile: vaultKey) } catch { throw ValidationError("\(error)") }
        let passwords = PasswordWorkers(threads: passwordWorkers, queueLimit: passwordQueue)
        let metrics = SettlementMetrics()
        let stores = try await openStores(passwords: passwords, logger: logger)
        let store = stores.settlement
        defer { stores.postgres?.close() }
        let acquirerConfiguration = ISO8583AcquirerConfiguration(
            host: acquirerHost, port: acquirerPort, storePath: acquirerState ?? "",
            reversalRetryInterval: .seconds(reversalRetrySeconds),
            acquiringInstitutionID: acquirerInstitutionID)
        let acquirer = try await ISO8583Acquirer.open(
            configuration: acquirerConfiguration, store: stores.acquirer, metrics: metrics.factory,
            logger: Self.acquirerLogger(level: logLevel))
        // A result queued for push wakes the push sender at once (the poll stays for retries and
        // for results other instances queued).
        let pushDoorbell = PushDoorbell()
        let engine = SettlementEngine(
            store: store, acquirer: acquirer, signer: signer, vault: vault,
            configuration: SettlementConfiguration(
                defaultExpirySeconds: orderTTLSeconds, defaultTerminalID: terminalID,
                authorizationDeadlineSeconds: authorizationDeadlineSeconds),
            logger: Logger(label: "pairpay.settlement"), metrics: metrics.factory,
            onPushQueued: { pushDoorbell.ring() })

        // Never serve before orders a crash left mid-authorization are resolved.
        let recovered = await engine.recoverInterruptedAuthorizations(
            store.sharing == .exclusive ? .all : .overdue)
        if recovered > 0 { logger.warning("resolved \(recovered) interrupted authorization(s)") }
        acquirer.start()

        metrics.addGauge(
            "pairpay_acquirer_reversals",
            help:
                "Reversals not yet acknowledged by the bank: pending (being sent) or parked (needs an operator).",
            label: "state"
        ) { [store = acquirer.store] in
            Dictionary(
                uniqueKeysWithValues: try await store.reversalCounts().map { ($0.key.rawValue, $0.value) })
        }
        metrics.addGauge(
            "pairpay_password_checks",
            help: "Password checks running on the password threads, and waiting for one.", label: "state"
        ) {
            let load = passwords.load
            return ["running": load.running, "queued": load.queued]
        }
        metrics.addGauge(
            "pairpay_push_outbox", help: "Result pushes not delivered yet (queued, retrying or claimed).",
            label: "state"
        ) { ["undelivered": try await store.undeliveredCount()] }
        let checkout = CheckoutRoutes(
            backend: EngineCheckoutBackend(engine: engine, store: store),
            tokens: FormTokens(key: try checkoutKey.map(Self.loadCheckoutKey)),
            logger: Logger(label: "pairpay.checkout"))
        let routes = SettlementRoutes(
            api: EngineSettlementAPI(engine: engine), credentials: StoreCredentialDirectory(store: store),
            policy: try policy(), metrics: metrics, pages: checkout,
            readiness: [
                ClosureReadinessCheck(name: "database") {
                    do {
                        _ = try await store.order(merchantID: "-", orderID: "-")
                        return true
                    } catch { return false }
                },
                ClosureReadinessCheck(name: "bank") { await acquirer.isLinkUp() },
            ])
        let pushSender = PushSender(
            outbox: StorePushQueue(outbox: store),
            configuration: .init(
                pollInterval: .milliseconds(pushPollMilliseconds), retryBase: .seconds(pushRetrySeconds),
                trustedCAPath: pushCA ?? clientCA),
            metrics: metrics, logger: Logger(label: "pairpay.push"), doorbell: pushDoorbell)
        let maintenance = MaintenanceService(
            engine: engine, nonces: store,
            historyRetention: historyRetentionDays == 0 ? nil : TimeInterval(historyRetentionDays) * 86_400,
            logger: Logger(label: "pairpay.maintenance"))
        let host = listen
        let tls = ServerTLS(certificatePath: tlsCert, keyPath: tlsKey, clientCAPath: clientCA)
        // The certificate and key are read again on SIGHUP (trapped now, before the server
        // listens, so that a SIGHUP never meets the default action, which ends the process).
        let identity = try ReloadableServerIdentity(tls)
        let reload = CertificateReloadService(
            identity: identity, signals: await UnixSignalsSequence(trapping: .sighup),
            logger: Logger(label: "pairpay.tls"))
        metrics.addGauge(
            "pairpay_tls_certificate_expiry_seconds",
            help: "Seconds until the TLS certificate settlementd presents ends (negative: it has ended).",
            label: "listener"
        ) { ["api": Int(identity.identity.notValidAfter.timeIntervalSinceNow)] }
        let application = try SettlementServer.application(
            routes: routes, tls: tls, identity: identity,
            host: host, port: port, logger: Logger(label: "pairpay.http"),
            onListening: { port in
                // Unbuffered, so a supervisor reading a pipe sees it at once.
                FileHandle.standardOutput.write(
                    Data(
                        "settlementd listening on https://\(host):\(port) (result key id \(signer.keyID))\n"
                            .utf8))
            })
        let group = ServiceGroup(
            configuration: .init(
                services: [application, pushSender, maintenance, reload],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            await acquirer.shutdown()
            throw error
        }
        await acquirer.shutdown()
        logger.info("settlementd stopped")
    }

    /// The settlement and acquirer stores: two SQLite files (`--db`, `--acquirer-state`) or one
    /// PostgreSQL database (`--database`, password from `PAIRPAY_DATABASE_PASSWORD`).
    func openStores(
        passwords: PasswordWorkers, logger: Logger
    ) async throws -> (
        settlement: any SettlementStore, acquirer: any AcquirerStore, postgres: PostgresPool?
    ) {
        guard let database else {
            let settlement = try SQLiteSettlementStore(path: db ?? "", passwordWorkers: passwords)
            let acquirer = try SQLiteAcquirerStore(path: acquirerState ?? "", releasingLeases: true)
            return (settlement, acquirer, nil)
        }
        var url = try PostgresURL(database).withPassword(from: ProcessInfo.processInfo.environment)
        if let path = databasePasswordFile {
            url.password = try Self.readSecretFile(path, option: "--database-password-file")
        }
        var postgresLogger = Logger(label: "pairpay.postgres")
        postgresLogger.logLevel = .warning
        let postgres: PostgresPool
        do {
            postgres = try await PostgresPool.connect(
                url, maximumConnections: databaseConnections, logger: postgresLogger)
        } catch {
            throw ValidationError("--database \(url): \(error)")
        }
        let durability = try await postgres.durabilitySettings()
        guard durability.fsync == "on", durability.synchronousCommit != "off" else {
            postgres.close()
            throw ValidationError(
                "PostgreSQL at \(url) has fsync=\(durability.fsync), synchronous_commit=\(durability.synchronousCommit): a committed payment could be lost in a crash; set fsync on and synchronous_commit to anything but off"
            )
        }
        let skew = try await postgres.clockSkew()
        guard abs(skew) <= Self.maximumClockSkew else {
            postgres.close()
            throw ValidationError(
                "this machine's clock is \(String(format: "%.1f", skew)) s off PostgreSQL's: instances decide take-over deadlines by their clocks; synchronise them (NTP) to within \(Self.maximumClockSkew) s"
            )
        }
        logger.info("state in PostgreSQL at \(url)")
        let settlement = try await PostgresSettlementStore(database: postgres, passwordWorkers: passwords)
        let acquirer = try await PostgresAcquirerStore(database: postgres)
        return (settlement, acquirer, postgres)
    }

    /// The authentication methods from `--store-auth` and `--user-auth`.
    func policy() throws -> AuthenticationPolicy {
        func methods(
            _ text: String, option: String, allowed: Set<AuthenticationMethod>
        ) throws
            -> Set<AuthenticationMethod>
        {
            var result: Set<AuthenticationMethod> = []
            for name in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                guard let method = AuthenticationMethod(rawValue: name), allowed.contains(method) else {
                    throw ValidationError(
                        "\(option): unknown method '\(name)'; use \(allowed.map(\.rawValue).sorted().joined(separator: ", "))"
                    )
                }
                result.insert(method)
            }
            guard !result.isEmpty else { throw ValidationError("\(option) needs at least one method") }
            return result
        }
        return AuthenticationPolicy(
            store: try methods(
                storeAuth, option: "--store-auth", allowed: [.clientCertificate, .requestMAC]),
            user: try methods(
                userAuth, option: "--user-auth", allowed: [.clientCertificate, .requestMAC, .password]))
    }

    /// The acquirer's logger, at settlementd's level (it names a card by its last four digits only).
    static func acquirerLogger(level: String) -> Logger {
        var logger = Logger(label: "pairpay.acquirer")
        logger.logLevel = Logger.Level(rawValue: level) ?? .info
        return logger
    }

    /// How far this machine's clock may be from the database's (seconds): deadlines for taking
    /// over another instance's work are 30 s and more, so a few seconds never matter.
    static let maximumClockSkew: TimeInterval = 2

    /// Refuses a secret file that others than its owner may read.
    static func requireOwnerOnly(_ path: String, option: String) throws {
        let mode = (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? nil
        if let mode, mode & 0o077 != 0 {
            throw ValidationError(
                "\(option) \(path) is readable by others (mode \(String(mode, radix: 8))): chmod 600 it")
        }
    }

    /// The first line of a secret file that only its owner may read.
    static func readSecretFile(_ path: String, option: String) throws -> String {
        try requireOwnerOnly(path, option: option)
        guard let data = FileManager.default.contents(atPath: path),
            let line = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first,
            !line.isEmpty
        else { throw ValidationError("\(option) \(path) cannot be read or is empty") }
        return String(line)
    }

    /// Reads the payment pages' form key: 64 hex digits (`pairpay keys vault --out FILE` makes one).
    static func loadCheckoutKey(path: String) throws -> [UInt8] {
        try requireOwnerOnly(path, option: "--checkout-key")
        guard let data = FileManager.default.contents(atPath: path),
            let bytes = Hex.decode(
                String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
            bytes.count == 32
        else {
            throw ValidationError(
                "--checkout-key \(path) must hold 64 hex digits (make one with `pairpay keys vault --out FILE`)"
            )
        }
        return bytes
    }

    /// Reads the Ed25519 key written by `pairpay keys server-signing` (64 hex digits).
    static func loadSigner(path: String) throws -> ResultSigner {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError(
                "cannot read the signing key \(path); make one with `pairpay keys server-signing --out FILE`")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let bytes = Hex.decode(text), bytes.count == 32,
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: bytes)
        else {
            throw ValidationError("\(path) must hold an Ed25519 private key as 64 hex digits")
        }
        return ResultSigner(privateKey: key)
    }
}
