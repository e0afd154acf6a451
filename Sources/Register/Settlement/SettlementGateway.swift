import PairPayCore
import RegisterProtocol

/// How registerd talks to the settlement server: the first request, the result by one of the
/// result paths, cancel and void. The HTTPS implementation comes with the settlement server;
/// until one is configured, ``UnconfiguredSettlementGateway`` refuses every call.
public protocol SettlementGateway: Sendable {
    /// Sends the first settlement request (order id, contents, amount) and returns what the
    /// customer's phone needs (the payment request's payload).
    func register(_ order: StoreOrder) async throws(SettlementGatewayError) -> PaymentInvitation

    /// Waits for the order's outcome, reporting stages as they happen, until `deadline`.
    func outcome(
        of order: StoreOrder, until deadline: ContinuousClock.Instant,
        stage: @escaping @Sendable (ProgressStage) -> Void
    ) async throws(SettlementGatewayError) -> SettlementOutcome

    /// Asks the server to cancel the order.
    func cancel(_ order: StoreOrder) async throws(SettlementGatewayError) -> CancelOutcome

    /// Checks a result relayed by the customer's phone (through the register) for this order.
    func verifyRelayedResult(
        _ relayData: String, for order: StoreOrder
    ) async throws(SettlementGatewayError)
        -> SettlementOutcome

    /// Gives back the money of a completed, approved order.
    func void(_ order: StoreOrder) async throws(SettlementGatewayError) -> SettlementOutcome

    /// Gives back `amount` of a completed, approved order as the refund `refundID` (the same id
    /// asked again never refunds twice), reporting stages until `deadline`. The outcome is
    /// `approved`/`refunded`, or `declined` with the reason.
    func refund(
        _ order: StoreOrder, refundID: String, amount: Money, until deadline: ContinuousClock.Instant,
        stage: @escaping @Sendable (ProgressStage) -> Void
    ) async throws(SettlementGatewayError) -> SettlementOutcome

    /// Closes the lane's batch `batchID` at the settlement server (captures, reconciliation with
    /// the bank) and returns its report; the same id again returns the same batch. With
    /// `existing`, only reports a batch closed before (refused for one the server does not have).
    func closeBatch(
        laneID: String, batchID: String, existing: Bool
    ) async throws(SettlementGatewayError) -> BatchReport
}

/// The order as the store sends it: id, the register's receipt and the validated basket.
public struct StoreOrder: Equatable, Sendable {
    public let orderID: String
    public let receipt: String
    public let sale: ValidatedSale

    public init(orderID: String, receipt: String, sale: ValidatedSale) {
        self.orderID = orderID
        self.receipt = receipt
        self.sale = sale
    }

    public var total: Money { sale.total }
}

/// What the register shows the customer's phone.
public struct PaymentInvitation: Equatable, Sendable {
    /// The text for the QR code or NFC record.
    public let phonePayload: String
    /// How long the phone has to pay.
    public let expiresIn: Duration

    public init(phonePayload: String, expiresIn: Duration) {
        self.phonePayload = phonePayload
        self.expiresIn = expiresIn
    }
}

/// How an order ended at the settlement server.
public struct SettlementOutcome: Equatable, Sendable {
    public let status: ResultStatus
    public let reason: ResultReason
    public let approvalCode: String?
    /// The card's last four digits; the store never sees more.
    public let cardLast4: String?
    public let message: String?
    /// The result path that delivered the server's signed result (journaled as step `result`,
    /// `via relay|push|query`); nil for outcomes registerd decided itself.
    public let source: ResultSource?
    /// What the receipt prints of the authorization, from the signed result.
    public let receiptData: ReceiptFields?

    public init(
        status: ResultStatus, reason: ResultReason, approvalCode: String? = nil, cardLast4: String? = nil,
        message: String? = nil, source: ResultSource? = nil, receiptData: ReceiptFields? = nil
    ) {
        self.receiptData = receiptData
        self.status = status
        self.reason = reason
        self.approvalCode = approvalCode
        self.cardLast4 = cardLast4
        self.message = message
        self.source = source
    }
}

/// The way a signed result reached registerd (docs/IN-STORE-CONTRACT.md).
public enum ResultSource: String, CaseIterable, Sendable {
    /// Through the customer's phone: the register's RELAY frame or the relay endpoint.
    case relay
    /// Posted by the settlement server to registerd's push receiver.
    case push
    /// Asked for with `GET /v1/orders/{id}`.
    case query
}

/// The answer to a cancel request.
public enum CancelOutcome: Equatable, Sendable {
    /// The order is cancelled; nothing was or will be charged.
    case cancelled
    /// The order completed before the cancel arrived; this is how it ended.
    case tooLate(SettlementOutcome)
}

/// Why a call to the settlement server failed.
public enum SettlementGatewayError: Error, Equatable, Sendable, CustomStringConvertible {
    /// registerd has no settlement server configured.
    case notConfigured
    /// The request did not reach the server (no connection could be made): the server has not
    /// acted on it.
    case unreachable(String)
    /// The request may have reached the server but no answer to it arrived (timeout, the
    /// connection lost after the request was sent, or the server failing with a 5xx): the
    /// server may have acted on it, so only
    /// asking again, or asking for the order, tells what happened.
    case noAnswer(String)
    /// The relayed result is not a valid result for this order.
    case relayRejected(String)
    /// The server refused the request.
    case refused(String)

    public var description: String {
        switch self {
        case .notConfigured:
            return "settlement not configured: set the settlement server in registerd's configuration"
        case .unreachable(let detail):
            return "settlement server unreachable: \(detail)"
        case .noAnswer(let detail):
            return "settlement server did not answer: \(detail); it may have acted on the request"
        case .relayRejected(let detail):
            return "relayed result rejected: \(detail)"
        case .refused(let detail):
            return "settlement server refused the request: \(detail)"
        }
    }
}
