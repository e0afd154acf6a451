import Acquirer
import Foundation
import PairPayCore

/// Which orders in authorization ``SettlementEngine/recoverInterruptedAuthorizations(_:)`` resolves.
public enum RecoveryScope: Sendable, Hashable {
    /// Every one: only at start-up, and only with an exclusive store.
    case all
    /// Those past their deadline.
    case overdue
}

/// What the acquirer holds for an order, as crash recovery needs it.
public enum AcquirerAuthorizationStatus: Sendable, Hashable {
    /// It never recorded a request for the order.
    case none
    /// A request is out without a recorded answer: it will be answered, or taken over and reversed.
    case inFlight
    /// Approved and not reversed: a hold the order must either carry or release.
    case approved(AuthorizationReference)
    /// Declined, never sent, or reversed (or being reversed): nothing is held.
    case closed
}

/// An acquirer that can say what it holds for an order: what crash recovery needs, because
/// ``Acquirer`` itself has no query.
public protocol AuthorizationLookup: Sendable {
    /// The state of the newest authorization the acquirer recorded for this order.
    func authorizationStatus(merchantID: String, orderID: String) async throws -> AcquirerAuthorizationStatus
}

extension ISO8583Acquirer: AuthorizationLookup {
    public func authorizationStatus(
        merchantID: String, orderID: String
    ) async throws -> AcquirerAuthorizationStatus {
        // The acquirer keeps field 42 as sent: padded with spaces to 15 characters. Compare in that
        // form, or every merchant id shorter than 15 would miss its approval and leave it unreversed.
        guard let stored = Self.fieldMerchantID(merchantID),
            let latest = try await store.latestAuthorization(merchant: stored, orderID: orderID)
        else { return .none }
        switch latest.state {
        case "sent": return .inFlight
        case "approved": return latest.id.map { .approved(AuthorizationReference(id: $0)) } ?? .closed
        default: return .closed
        }
    }

    /// The approved, not yet reversed authorization for this order, if any.
    public func approvedAuthorization(
        merchantID: String, orderID: String
    ) async throws -> AuthorizationReference? {
        guard let stored = Self.fieldMerchantID(merchantID) else { return nil }
        return try await store.approvedAuthorization(merchant: stored, orderID: orderID)
            .flatMap { $0.id.map(AuthorizationReference.init(id:)) }
    }
}

extension SettlementEngine {
    /// Resolves orders left in ``OrderState/authorizing`` by an instance that stopped mid-call.
    /// They are NEVER authorized again. Instead:
    ///
    /// - if the acquirer is an ``AuthorizationLookup`` and holds an approval for the order, it is
    ///   reversed (reason `outcomeUnknown`); the order ends `declined`/`reversed`;
    /// - if its request is still out (``AcquirerAuthorizationStatus/inFlight``), the order stays
    ///   `authorizing` and is looked at again after ``recheckSeconds``: the bank's answer, or the
    ///   acquirer's own take-over and reversal of the request, is on record by then;
    /// - if it holds nothing, the order ends `declined`/`reversed` as well;
    /// - if the acquirer cannot be asked, the order ends `declined`/`internal-error` and the
    ///   audit trail says to reconcile it by hand.
    ///
    /// An order is first taken over (a write conditional on its version, which also moves its
    /// deadline), and only then is anything reversed: if its own instance is alive after all and
    /// finishes meanwhile, exactly one of the two writes lands, and the instance whose write did
    /// not land reverses the approval it holds.
    ///
    /// - Parameter scope: ``RecoveryScope/all`` once at start-up before serving, for an exclusive
    ///   store (whatever is authorizing was left by a crash); ``RecoveryScope/overdue``
    ///   periodically, for orders past their ``OrderRecord/recoverAfter`` (any store, and the only
    ///   safe choice for a shared one). The customer pays again with a new order.
    /// - Returns: how many orders were resolved.
    public func recoverInterruptedAuthorizations(_ scope: RecoveryScope = .all) async -> Int {
        let stuck: [OrderRecord]
        do {
            stuck = try await store.ordersInAuthorization(overdueAt: scope == .all ? nil : now())
        } catch {
            _ = storageFailure(error)
            return 0
        }
        var count = 0
        for candidate in stuck {
            let key = OrderKey(merchantID: candidate.merchantID, orderID: candidate.orderID)
            await lock(key)
            defer { unlock(key) }
            guard var order = try? await load(key), order.state == .authorizing else { continue }
            if scope == .overdue, let deadline = order.recoverAfter, deadline > now() { continue }
            do {
                order.recoverAfter = now().addingTimeInterval(Self.recheckSeconds)
                try await save(
                    &order, from: .authorizing, event: "taken over: abandoned during authorization")
            } catch {
                continue  // its instance finished it, or another one took it over, meanwhile
            }
            do {
                if try await resolveInterrupted(&order) { count += 1 }
            } catch {
                logger.error("could not resolve interrupted order \(order.orderID): \(error)")
            }
        }
        return count
    }

    /// How long a taken-over order whose bank request is still out waits before it is looked at
    /// again.
    static var recheckSeconds: TimeInterval { 15 }

    /// Resolves a taken-over order; `false` when it must wait for the acquirer (still in flight).
    private func resolveInterrupted(_ order: inout OrderRecord) async throws(SettlementError) -> Bool {
        guard let lookup = acquirer as? any AuthorizationLookup else {
            try await finish(
                &order, status: .declined, reason: .internalError, cardLast4: order.cardLast4,
                event: "interrupted during authorization; acquirer cannot be queried: reconcile by hand")
            return true
        }
        let acquirerMerchant: String
        do {
            acquirerMerchant =
                try await store.merchant(id: order.merchantID)?.acquirerMerchantID
                ?? String(order.merchantID.prefix(15))
        } catch { throw storageFailure(error) }
        do {
            switch try await lookup.authorizationStatus(merchantID: acquirerMerchant, orderID: order.orderID)
            {
            case .inFlight:
                logger.notice("order \(order.orderID): its bank request is still out; looking again shortly")
                return false
            case .approved(let reference):
                let outcome = try await acquirer.reverse(
                    ReversalRequest(authorization: reference, reason: .outcomeUnknown))
                if outcome == .captured {
                    // Never by this server (a batch captures only orders decided approved): someone
                    // captured it outside. The order cannot end "not paid" while the money is posted.
                    logger.critical(
                        "order \(order.orderID): interrupted during authorization, but its approval \(reference) is captured; not deciding it: refund it by hand, then resolve the order"
                    )
                    return false
                }
                try await finish(
                    &order, status: .declined, reason: .reversed, cardLast4: order.cardLast4,
                    event: "interrupted during authorization; approval \(reference) reversed (\(outcome))")
            case .none, .closed:
                try await finish(
                    &order, status: .declined, reason: .reversed, cardLast4: order.cardLast4,
                    event: "interrupted during authorization; acquirer holds no approval")
            }
            return true
        } catch let error as SettlementError {
            throw error
        } catch {
            throw .internal(
                "the acquirer could not be asked about an interrupted authorization; retry recovery")
        }
    }
}
