import Acquirer
import Foundation
import Settlement

/// Reads a PostgreSQL settlement database for an operator's reconciliation without touching it:
/// no migrations are applied (a tool newer than the servers must not change their schema), and
/// nothing is written.
public enum PostgresReconciliationReader {
    /// Every order, refund and acquirer authorization, each in one read.
    public static func read(
        _ database: PostgresPool
    ) async throws -> (orders: [OrderRecord], refunds: [RefundRecord], authorizations: [StoredAuthorization])
    {
        let orders = try await PostgresSettlementStore.allOrders(database)
        let refunds = try await database.query(
            "SELECT record FROM settlement_refund ORDER BY merchant_id, refund_id"
        ).map(PostgresSettlementStore.refundRecord)
        let authorizations = try await database.query("SELECT * FROM acquirer_authorization ORDER BY id").map(
            PostgresAcquirerStore.storedAuthorization)
        return (orders, refunds, authorizations)
    }
}
