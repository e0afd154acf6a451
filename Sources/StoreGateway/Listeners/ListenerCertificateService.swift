import Logging
import ServiceLifecycle
import UnixSignals

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// registerd's SIGHUP (issue 16): the TLS listeners read their certificate and key files again
/// (a pair that cannot be used is logged and the old one kept, so a mistake never stops a
/// listener), and a certificate that ends within ``warningWindow`` is warned about at start, after
/// each reload and once a day. Without TLS listeners a SIGHUP is only logged: it never ends
/// registerd (the signal's default action would).
public struct ListenerCertificateService: Service {
    /// How early an ending certificate is warned about.
    public static let warningWindow: TimeInterval = 30 * 86_400

    let certificates: [ListenerCertificate]
    let signals: UnixSignalsSequence
    let logger: Logger
    let now: @Sendable () -> Date

    /// - Parameter signals: SIGHUP, trapped before the listeners start.
    public init(
        certificates: [ListenerCertificate], signals: UnixSignalsSequence, logger: Logger,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.certificates = certificates
        self.signals = signals
        self.logger = logger
        self.now = now
    }

    public func run() async throws {
        certificates.forEach(warnIfEnding)
        // The daily look, stopped when the service ends.
        let certificates = self.certificates
        let daily = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(86_400))
                if !Task.isCancelled { certificates.forEach(warnIfEnding) }
            }
        }
        defer { daily.cancel() }
        for await _ in signals.cancelOnGracefulShutdown() { reload() }
    }

    func reload() {
        guard !certificates.isEmpty else {
            logger.notice("SIGHUP: no TLS listener here, nothing to read again")
            return
        }
        for certificate in certificates {
            do {
                let ending = try certificate.reload()
                logger.notice(
                    "SIGHUP: the \(certificate.option) listener presents the certificate read again from \(certificate.files.certificatePath), valid until \(Self.text(ending))"
                )
                warnIfEnding(certificate)
            } catch {
                logger.error(
                    "SIGHUP: the \(certificate.option) listener kept its certificate: \(error); fix the files and send SIGHUP again"
                )
            }
        }
    }

    func warnIfEnding(_ certificate: ListenerCertificate) {
        let ending = certificate.notValidAfter
        let left = ending.timeIntervalSince(now())
        if left <= 0 {
            logger.critical(
                "the \(certificate.option) listener's certificate \(certificate.files.certificatePath) ended at \(Self.text(ending)): clients refuse it; install a new one and send SIGHUP"
            )
        } else if left < Self.warningWindow {
            logger.warning(
                "the \(certificate.option) listener's certificate \(certificate.files.certificatePath) ends at \(Self.text(ending)), in \(Int(left / 86_400)) days: install a new one and send SIGHUP"
            )
        }
    }

    static func text(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false))
    }
}
