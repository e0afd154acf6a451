import Foundation
import Settlement
import SettlementHTTP

/// The push sender's ``PushDeliveryQueue`` over the engine's outbox table: due deliveries with
/// their endpoint and secret, and one recorded attempt per POST (the delivery log).
///
/// Due deliveries are claimed for ``lease`` (``PushOutbox/claimDueDeliveries(now:limit:leaseUntil:)``):
/// with several instances on one outbox each result is pushed by one of them, and a push claimed
/// by an instance that dies is pushed by another once the lease ends.
public struct StorePushQueue: PushDeliveryQueue {
    let outbox: any Settlement.PushOutbox
    /// How long a claimed delivery is left to this instance before another may push it.
    public let lease: TimeInterval

    public init(outbox: any Settlement.PushOutbox, lease: TimeInterval = 120) {
        self.outbox = outbox
        self.lease = lease
    }

    public func dueDeliveries(now: Date, limit: Int) async throws -> [PendingPush] {
        try await outbox.claimDueDeliveries(now: now, limit: limit, leaseUntil: now.addingTimeInterval(lease))
            .compactMap { delivery in
                // A merchant whose endpoint was removed keeps its row undelivered and out of the way.
                guard let url = delivery.url, let secret = delivery.secret else { return nil }
                return PendingPush(
                    id: delivery.id, url: url, secret: secret, body: Array(delivery.body),
                    attempts: delivery.attempts)
            }
    }

    public func recordAttempt(_ attempt: PushAttempt) async throws {
        try await outbox.recordAttempt(
            id: attempt.deliveryID, success: attempt.delivered, httpStatus: attempt.statusCode,
            nextAttemptAt: attempt.nextAttemptAt)
    }
}
