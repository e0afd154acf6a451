import Register
import RegisterProtocol

/// The settlement server as the property tests see it: for each order, where its money stands,
/// and every result it signed (which a phone may still relay after the order changed).
///
/// It is the truth the register's RESULTs are checked against: an order is paid only while it is
/// ``State/approved``.
struct ModelSettlementServer {
    enum State: Equatable {
        case open
        case approved
        case declined
        case expired
        /// Cancelled before it was paid.
        case cancelled
        /// Paid, then given back (a cancel or a void after the approval).
        case reversed
    }

    private(set) var orders: [String: State] = [:]
    /// The results signed for each order, oldest first.
    private(set) var signed: [String: [SettlementOutcome]] = [:]

    static let approved = SettlementOutcome(
        status: .approved, reason: .approved, approvalCode: "A1B2C3", cardLast4: "1111", message: "Approved",
        source: .query)
    static let declined = SettlementOutcome(
        status: .declined, reason: .declined, cardLast4: "1111", message: "Declined", source: .query)
    static let expired = SettlementOutcome(
        status: .expired, reason: .expired, message: "Expired", source: .query)
    static let cancelled = SettlementOutcome(
        status: .cancelled, reason: .cancelled, message: "Cancelled", source: .query)
    /// What the server signs when it gives an approved payment back.
    static let reversed = SettlementOutcome(
        status: .cancelled, reason: .cancelled, cardLast4: "1111", message: "Cancelled: given back",
        source: .query)
    /// What a void's answer becomes at registerd's gateway.
    static let voided = SettlementOutcome(
        status: .cancelled, reason: .voided, cardLast4: "1111", message: "Voided", source: .query)

    func state(of orderID: String) -> State? { orders[orderID] }

    /// Whether the order's money is with the merchant.
    func holdsMoney(_ orderID: String) -> Bool { orders[orderID] == .approved }

    /// The first request: idempotent by order id.
    mutating func register(_ orderID: String) {
        if orders[orderID] == nil { orders[orderID] = .open }
    }

    /// The customer's phone pays an open order; the bank approves or declines.
    mutating func pay(_ orderID: String, approve: Bool) {
        guard orders[orderID] == .open else { return }
        settle(orderID, approve ? .approved : .declined, Self.approvedOrDeclined(approve))
    }

    /// Nobody paid in time.
    mutating func expire(_ orderID: String) {
        guard orders[orderID] == .open else { return }
        settle(orderID, .expired, Self.expired)
    }

    /// The order's final result, if it has one.
    func outcome(of orderID: String) -> SettlementOutcome? {
        switch orders[orderID] {
        case .approved: Self.approved
        case .declined: Self.declined
        case .expired: Self.expired
        case .cancelled: Self.cancelled
        case .reversed: Self.reversed
        case .open, nil: nil
        }
    }

    /// `POST /v1/orders/{id}/cancel`: an open order is cancelled; an approved one is given back
    /// unless `settled` (the money can no longer be reversed: too late); a final one stays.
    mutating func cancel(_ orderID: String, settled: Bool) -> CancelOutcome {
        switch orders[orderID] {
        case .open?:
            settle(orderID, .cancelled, Self.cancelled)
            return .cancelled
        case .approved? where !settled:
            settle(orderID, .reversed, Self.reversed)
            return .cancelled
        case .cancelled?, .reversed?:
            return .cancelled
        case _?:
            return .tooLate(outcome(of: orderID) ?? Self.expired)
        case nil:
            // Unknown to the server: nothing to charge, nothing to cancel.
            orders[orderID] = .cancelled
            return .cancelled
        }
    }

    /// A void: the same cancel, of an approved order; the outcome ``HTTPSettlementGateway`` makes of it.
    mutating func void(_ orderID: String) -> SettlementOutcome {
        switch orders[orderID] {
        case .approved?:
            settle(orderID, .reversed, Self.reversed)
            return Self.voided
        case .reversed?:
            return Self.voided
        default:
            return outcome(of: orderID) ?? Self.cancelled
        }
    }

    private mutating func settle(_ orderID: String, _ state: State, _ outcome: SettlementOutcome) {
        orders[orderID] = state
        signed[orderID, default: []].append(outcome)
    }

    private static func approvedOrDeclined(_ approve: Bool) -> SettlementOutcome {
        approve ? approved : declined
    }
}
