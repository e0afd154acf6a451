import Foundation
import Logging
import ServiceLifecycle
import SettlementHTTP
import UnixSignals

/// settlementd's own TLS certificate over time (issue 16): on SIGHUP it reads the certificate and
/// key files again and presents the new pair from the next handshake on (a pair that cannot be
/// used is logged and the old one kept, so a mistake never takes the server down); at start, after
/// each reload and once a day it warns when the certificate ends within ``warningWindow``.
public struct CertificateReloadService: Service {
    /// How early an ending certificate is warned about.
    public static let warningWindow: TimeInterval = 30 * 86_400

    let identity: ReloadableServerIdentity
    let signals: UnixSignalsSequence
    let logger: Logger
    let now: @Sendable () -> Date

    /// - Parameter signals: SIGHUP, trapped before the server starts (so that a SIGHUP sent as
    ///   soon as it listens is not the default action, which ends the process).
    public init(
        identity: ReloadableServerIdentity, signals: UnixSignalsSequence, logger: Logger,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.identity = identity
        self.signals = signals
        self.logger = logger
        self.now = now
    }

    public func run() async throws {
        warnIfEnding(identity.identity)
        // The daily look, stopped when the service ends.
        let daily = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(86_400))
                if !Task.isCancelled { warnIfEnding(identity.identity) }
            }
        }
        defer { daily.cancel() }
        for await _ in signals.cancelOnGracefulShutdown() {
            do {
                let fresh = try identity.reload()
                logger.notice(
                    "SIGHUP: presenting the TLS certificate read again from \(identity.tls.certificatePath), valid until \(Self.text(fresh.notValidAfter))"
                )
                warnIfEnding(fresh)
            } catch {
                logger.error(
                    "SIGHUP: kept the TLS certificate in use: \(error); fix the files and send SIGHUP again")
            }
        }
    }

    func warnIfEnding(_ presented: ReloadableServerIdentity.Identity) {
        let left = presented.notValidAfter.timeIntervalSince(now())
        if left <= 0 {
            logger.critical(
                "the TLS certificate \(identity.tls.certificatePath) ended at \(Self.text(presented.notValidAfter)): clients refuse it; install a new one and send SIGHUP"
            )
        } else if left < Self.warningWindow {
            logger.warning(
                "the TLS certificate \(identity.tls.certificatePath) ends at \(Self.text(presented.notValidAfter)), in \(Int(left / 86_400)) days: install a new one and send SIGHUP"
            )
        }
    }

    static func text(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false))
    }
}
