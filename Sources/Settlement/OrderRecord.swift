import Foundation
import PairPayCore

/// Everything the engine keeps about one order, as one row of ``OrderStore``.
///
/// Card data appears only as ``sealedPendingCard`` (AES-GCM under the vault key, bound to the
/// order), kept while the order waits for the store's request and wiped as soon as the order is
/// authorized, declined, expired or cancelled.
public struct OrderRecord: Hashable, Sendable, Codable {
    public let merchantID: String
    public let orderID: String
    public var state: OrderState
    /// The store's contents, once the first request is in.
    public var contents: OrderContents?
    /// The expiry the store asked for (nil: the default).
    public var requestedExpirySeconds: Int?
    /// Identifies the first request, for telling identical repeats from conflicting ones.
    public var firstFingerprint: String?
    /// The phone's claim, once the second request is in.
    public var claim: OrderClaim?
    /// The register lane the store's request named, if any.
    public var laneID: String?
    /// The user who sent the second request.
    public var userID: String?
    /// Identifies the second request (keyed hash, no card data recoverable).
    public var secondFingerprint: String?
    /// The card of the second request, sealed, until the order is decided.
    public var sealedPendingCard: Data?
    /// The last four digits of the card, once known.
    public var cardLast4: String?
    /// The acquirer's reference of an approved authorization, for reversing it.
    public var authorization: AuthorizationReference?
    /// The signed result, once final.
    public var result: SignedSettlementResult?
    /// When the order expires if still waiting.
    public var expiresAt: Date
    /// While ``OrderState/authorizing``: when any instance may take the order over as abandoned
    /// (its instance died mid-authorization) and resolve it without authorizing again.
    public var recoverAfter: Date?
    /// How many times the stored row was written: every update is conditional on it, so of two
    /// instances deciding the same order at once only one write lands (the other reads again).
    /// Kept by the store beside the record, not inside its JSON.
    public var version: Int64 = 0
    public let createdAt: Date
    public var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case merchantID, orderID, state, contents, requestedExpirySeconds, firstFingerprint, claim, userID,
            laneID
        case secondFingerprint, sealedPendingCard, cardLast4, authorization, result, expiresAt, recoverAfter
        case createdAt, updatedAt
    }

    public init(merchantID: String, orderID: String, state: OrderState, expiresAt: Date, createdAt: Date) {
        self.merchantID = merchantID
        self.orderID = orderID
        self.state = state
        self.expiresAt = expiresAt
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }

    /// The store's view of the order.
    public var statusView: OrderStatusView {
        OrderStatusView(
            orderID: orderID, merchantID: merchantID, state: state, result: result,
            expiresAt: Int64(expiresAt.timeIntervalSince1970.rounded(.down)))
    }
}

extension OrderRecord {
    /// How every store writes an order's JSON: sorted keys, dates as seconds since 1970.
    public static let storageEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }()

    /// How every store reads an order's JSON back.
    public static let storageDecoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()
}
