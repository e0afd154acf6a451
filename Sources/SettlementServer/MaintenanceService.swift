import Foundation
import Logging
import ServiceLifecycle
import Settlement

/// The engine's housekeeping as a long-running service: expires overdue orders every second,
/// every `recoveryInterval` resolves orders abandoned mid-authorization by an instance that died
/// (past their deadline) and drives refunds left pending for 30 s to their result, and every
/// `purgeInterval` forgets expired nonces and (with a retention)
/// old final orders. Safe with several instances on one store: each step is a conditional write.
public struct MaintenanceService: Service {
    let engine: SettlementEngine
    let nonces: any NonceStore
    let historyRetention: TimeInterval?
    let purgeInterval: Duration
    let recoveryInterval: Duration
    let logger: Logger
    let now: @Sendable () -> Date

    /// - Parameter historyRetention: how long final orders stay queryable; nil keeps them forever.
    public init(
        engine: SettlementEngine, nonces: any NonceStore, historyRetention: TimeInterval?,
        purgeInterval: Duration = .seconds(60), recoveryInterval: Duration = .seconds(5), logger: Logger,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.engine = engine
        self.nonces = nonces
        self.historyRetention = historyRetention
        self.purgeInterval = purgeInterval
        self.recoveryInterval = recoveryInterval
        self.logger = logger
        self.now = now
    }

    public func run() async throws {
        let clock = ContinuousClock()
        await cancelWhenGracefulShutdown {
            var nextPurge = clock.now
            var nextRecovery = clock.now + recoveryInterval
            while !Task.isCancelled {
                let expired = await engine.expireOverdue()
                if expired > 0 { logger.info("expired \(expired) overdue order(s)") }
                if clock.now >= nextRecovery {
                    let recovered = await engine.recoverInterruptedAuthorizations(.overdue)
                    if recovered > 0 {
                        logger.warning("resolved \(recovered) order(s) abandoned during authorization")
                    }
                    // A refund still pending after 30 s lost its answer or its instance: ask again
                    // (the acquirer repeats it under the same STAN; the bank applies it once).
                    let refunds = await engine.resumePendingRefunds(olderThan: 30)
                    if refunds > 0 { logger.notice("finished \(refunds) refund(s) left pending") }
                    nextRecovery = clock.now + recoveryInterval
                }
                if clock.now >= nextPurge {
                    await purge()
                    nextPurge = clock.now + purgeInterval
                }
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    func purge() async {
        do {
            let forgotten = try await nonces.purgeExpiredNonces(now: now())
            if forgotten > 0 { logger.debug("forgot \(forgotten) expired nonce(s)") }
        } catch {
            logger.error("purging expired nonces failed: \(error)")
        }
        guard let historyRetention else { return }
        do {
            let purged = try await engine.purgeHistory(olderThan: historyRetention)
            if purged > 0 { logger.info("purged \(purged) order(s) older than the history retention") }
        } catch {
            logger.error("purging history failed: \(error)")
        }
    }
}
