import Foundation

/// A capture (0220) or refund (0200, processing code `200000`) of an approved authorization, as
/// the acquirer stores it before sending: its STAN, field 7 and RRN are kept for every repeat, so
/// the bank answers a repeat from its record instead of applying it twice.
public struct PostSaleMessage: Sendable, Equatable {
    /// Which message.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case capture, refund
    }

    /// Where the message is.
    public enum State: String, Sendable, Codable, CaseIterable {
        /// Stored; not answered yet (being sent, or waiting for the next attempt).
        case pending
        /// The bank answered 00.
        case approved
        /// The bank answered something else (see ``PostSaleMessage/responseCode``).
        case declined
    }

    public let id: Int64
    public let kind: Kind
    /// The authorization it captures or refunds.
    public let authorizationID: Int64
    /// Unique per authorization and kind: `capture` for the capture, the caller's key for a refund.
    public let key: String
    /// Minor units of the authorization's currency.
    public let amount: Int64
    public let stan: String
    public let transmission: String
    public let rrn: String
    public var state: State
    public var responseCode: String?
    public var approvalCode: String?
    /// Sends so far.
    public var attempts: Int

    public init(
        id: Int64, kind: Kind, authorizationID: Int64, key: String, amount: Int64, stan: String,
        transmission: String, rrn: String, state: State, responseCode: String? = nil,
        approvalCode: String? = nil, attempts: Int = 0
    ) {
        self.id = id
        self.kind = kind
        self.authorizationID = authorizationID
        self.key = key
        self.amount = amount
        self.stan = stan
        self.transmission = transmission
        self.rrn = rrn
        self.state = state
        self.responseCode = responseCode
        self.approvalCode = approvalCode
        self.attempts = attempts
    }
}

/// What ``AcquirerStore/insertPostSale(_:)`` did.
public enum PostSaleInsertion: Sendable, Equatable {
    /// Stored now, to be sent.
    case inserted(PostSaleMessage)
    /// The same capture, or a refund with the same key and amount, was stored before.
    case existing(PostSaleMessage)
    /// Not stored: the authorization is not approved, nothing is captured to refund, the refunds
    /// would exceed the capture, or the key was used for another amount.
    case refused(PostSaleRefusalReason)
}

/// Why a capture or refund was not stored (the store's side of ``PairPayCore/PostSaleRefusal``).
public enum PostSaleRefusalReason: Sendable, Equatable {
    case notApproved(state: String)
    case notCaptured
    case exceedsCaptured(remaining: Int64)
    case keyReused
}

/// A capture or refund to store: ``AcquirerStore/insertPostSale(_:)`` takes the STAN itself.
public struct PostSaleDraft: Sendable, Equatable {
    public let kind: PostSaleMessage.Kind
    public let authorizationID: Int64
    public let key: String
    /// For a capture: ignored, the authorization's whole amount is captured.
    public let amount: Int64
    public let transmission: String
    /// The first six characters of field 37 (`YDDDhh`); the STAN completes it.
    public let rrnPrefix: String

    public init(
        kind: PostSaleMessage.Kind, authorizationID: Int64, key: String, amount: Int64, transmission: String,
        rrnPrefix: String
    ) {
        self.kind = kind
        self.authorizationID = authorizationID
        self.key = key
        self.amount = amount
        self.transmission = transmission
        self.rrnPrefix = rrnPrefix
    }
}
