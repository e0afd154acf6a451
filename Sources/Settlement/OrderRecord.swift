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
    public var contents: OrderContents? { didSet { marks.unsaved.insert(.contents) } }
    /// The expiry the store asked for (nil: the default).
    public var requestedExpirySeconds: Int?
    /// Identifies the first request, for telling identical repeats from conflicting ones.
    public var firstFingerprint: String?
    /// The phone's claim, once the second request is in.
    public var claim: OrderClaim? { didSet { marks.unsaved.insert(.claim) } }
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
    public var result: SignedSettlementResult? { didSet { marks.unsaved.insert(.result) } }
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
    /// Which nested values changed since the record was read or saved: not part of its value.
    var marks = SaveMarks()

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
    /// The values of an order that a store keeps as JSON, one column each; every other field
    /// (the acquirer's reference too: its id) is a column of its own.
    public struct NestedParts: OptionSet, Hashable, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let contents = NestedParts(rawValue: 1 << 0)
        public static let claim = NestedParts(rawValue: 1 << 1)
        public static let result = NestedParts(rawValue: 1 << 2)
        public static let all: NestedParts = [.contents, .claim, .result]
    }

    /// The nested values set since the record was read from its store or last saved: an update
    /// encodes and writes only these, so an order's contents, claim and result are each encoded
    /// once, when they are set, not on every save. A record made with ``init(merchantID:orderID:state:expiresAt:createdAt:)``
    /// and filled in has every value it was given here; ``OrderStore/insert(_:event:)`` writes
    /// them all anyway.
    public var unsavedParts: NestedParts { marks.unsaved }

    /// Records that the store now holds every value of the record (after a read or a save). Only
    /// the engine and the stores' row reader call it: marking an unsaved value saved would keep
    /// the stored one.
    mutating func markSaved() { marks.unsaved = [] }

    /// Change marks that two records never differ by: equality and hashing skip them.
    struct SaveMarks: Hashable, Sendable {
        var unsaved: NestedParts = []
        static func == (_: SaveMarks, _: SaveMarks) -> Bool { true }
        func hash(into hasher: inout Hasher) {}
    }
}

extension OrderRecord {
    /// How stores write JSON: an order's nested values (``NestedParts``), refunds, and whole
    /// records as stores kept them before their order-columns migration (which reads them with
    /// ``storageDecoder``): sorted keys, dates as seconds since 1970.
    public static let storageEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }()

    /// How stores read that JSON back.
    public static let storageDecoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()
}
