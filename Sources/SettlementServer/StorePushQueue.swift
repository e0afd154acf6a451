import Foundation
import Settlement
import SettlementHTTP

/// The push sender's ``PushDeliveryQueue`` over the engine's outbox table: due deliveries with
/// their endpoint and secret, and one recorded attempt per POST (the delivery log).
public struct StorePushQueue: PushDeliveryQueue {
    let outbox: any Settlement.PushOutbox

    public init(outbox: any Settlement.PushOutbox) {
        self.outbox = outbox
    }

    public func dueDeliveries(now: Date, limit: Int) async throws -> [PendingPush] {
        try await outbox.dueDeliveries(now: now).prefix(limit).compactMap { delivery in
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
