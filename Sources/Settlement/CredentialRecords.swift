import Foundation

/// A merchant as the HTTP layer and the engine need it.
public struct MerchantCredentials: Hashable, Sendable {
    public let id: String
    /// Request-MAC keys by key id, in any state (``CredentialStore/macKeys(owner:)`` has their
    /// dates).
    public let macKeys: [String: [UInt8]]
    /// SHA-256 fingerprints (lowercase hex) of the merchant's client certificates.
    public let certificateFingerprints: [String]
    /// Where results are pushed, if anywhere.
    public let pushURL: String?
    /// The secret that signs pushes.
    public let pushSecret: [UInt8]?
    /// The merchant id sent to the acquirer (ISO 8583 field 42).
    public let acquirerMerchantID: String
    /// The terminal id sent to the acquirer, or nil for the engine's default.
    public let terminalID: String?
    /// When its approved sales are captured.
    public let captureMode: CaptureMode
    /// Its register lanes by lane id; empty for a single-lane merchant.
    public let lanes: [String: MerchantLane]

    public init(
        id: String, macKeys: [String: [UInt8]], certificateFingerprints: [String], pushURL: String?,
        pushSecret: [UInt8]?, acquirerMerchantID: String, terminalID: String?,
        captureMode: CaptureMode = .endOfDay, lanes: [String: MerchantLane] = [:]
    ) {
        self.captureMode = captureMode
        self.lanes = lanes
        self.id = id
        self.macKeys = macKeys
        self.certificateFingerprints = certificateFingerprints
        self.pushURL = pushURL
        self.pushSecret = pushSecret
        self.acquirerMerchantID = acquirerMerchantID
        self.terminalID = terminalID
    }
}

extension MerchantCredentials {
    /// The push URL results of an order of `laneID` go to: an enrolled lane's own (nil if that
    /// lane has none), else the merchant's (an order of no lane, or from before its lanes).
    public func pushURL(lane laneID: String?) -> String? {
        guard let lane = laneID.flatMap({ lanes[$0] }) else { return pushURL }
        return lane.pushURL
    }

    /// The acquirer terminal id of `laneID`'s sales, or nil for the merchant's (or the engine's)
    /// default.
    public func terminalID(lane laneID: String?) -> String? {
        laneID.flatMap { lanes[$0] }?.terminalID ?? terminalID
    }
}

/// A user (customer with the PairPay app) as the HTTP layer needs it. No password hash.
public struct UserCredentials: Hashable, Sendable {
    public let id: String
    public let macKeys: [String: [UInt8]]
    public let certificateFingerprints: [String]
    public let hasPassword: Bool
    /// Wrong passwords since the last right one or lock-out.
    public let failedAttempts: Int
    /// Locked out until then, if locked.
    public let lockedUntil: Date?

    public init(
        id: String, macKeys: [String: [UInt8]], certificateFingerprints: [String], hasPassword: Bool,
        failedAttempts: Int, lockedUntil: Date?
    ) {
        self.id = id
        self.macKeys = macKeys
        self.certificateFingerprints = certificateFingerprints
        self.hasPassword = hasPassword
        self.failedAttempts = failedAttempts
        self.lockedUntil = lockedUntil
    }
}

/// Who owns a request-MAC key.
public struct MACKeyRecord: Hashable, Sendable {
    public enum Owner: Hashable, Sendable, CustomStringConvertible {
        case merchant(String)
        case user(String)

        /// The `owner_kind` the stores write: `merchant` or `user`.
        public var kind: String {
            switch self {
            case .merchant: "merchant"
            case .user: "user"
            }
        }

        /// The merchant's or user's id.
        public var id: String {
            switch self {
            case .merchant(let id), .user(let id): id
            }
        }

        public var description: String { "\(kind) \(id)" }
    }

    public let keyID: String
    public let owner: Owner
    public let key: [UInt8]
    /// When it was added; nil for a key added before keys had dates.
    public let createdAt: Date?
    /// When it stops working (the overlap of a rotation), if it was given an end.
    public let expiresAt: Date?
    /// When it was retired: refused from then on.
    public let retiredAt: Date?

    public init(
        keyID: String, owner: Owner, key: [UInt8], createdAt: Date? = nil, expiresAt: Date? = nil,
        retiredAt: Date? = nil
    ) {
        self.keyID = keyID
        self.owner = owner
        self.key = key
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.retiredAt = retiredAt
    }

    /// Where the key stands at `now`.
    public func state(at now: Date) -> MACKeyState {
        // A retirement is at once: its date is when it was recorded, never in the future.
        if let retiredAt { return .retired(at: retiredAt) }
        if let expiresAt { return expiresAt <= now ? .expired(at: expiresAt) : .expiring(at: expiresAt) }
        return .active
    }

    /// Whether a request signed with it is accepted at `now`.
    public func isUsable(at now: Date) -> Bool {
        switch state(at: now) {
        case .active, .expiring: true
        case .expired, .retired: false
        }
    }
}

/// Where a request-MAC key stands (issue 16): a rotation gives the old key an end (`expiring`,
/// still accepted until then), an emergency retires it (refused at once).
public enum MACKeyState: Hashable, Sendable, CustomStringConvertible {
    case active
    /// Accepted until then.
    case expiring(at: Date)
    /// Refused since then.
    case expired(at: Date)
    /// Refused since then.
    case retired(at: Date)

    public var description: String {
        switch self {
        case .active: "active"
        case .expiring(let date): "expiring at \(Self.text(date))"
        case .expired(let date): "expired at \(Self.text(date))"
        case .retired(let date): "retired at \(Self.text(date))"
        }
    }

    /// `2026-12-05T09:00:00Z`: how the CLI and the logs show a key's dates.
    public static func text(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false))
    }
}

/// The answer to a password check.
public enum PasswordCheck: Hashable, Sendable {
    case ok
    /// Wrong password (or unknown user, or no password set): the attempt was counted.
    case wrong
    /// Locked out until then; the password was not checked.
    case locked(until: Date)
    /// The password pool is full: not checked and not counted; ask again in a moment.
    case busy
}

/// One push of a result to a merchant's endpoint.
public struct PushDelivery: Hashable, Sendable {
    public let id: Int64
    public let merchantID: String
    public let orderID: String
    public let resultID: String
    /// The signed result's JSON, posted as the request body.
    public let body: Data
    public let url: String?
    public let secret: [UInt8]?
    public let attempts: Int
    public let nextAttemptAt: Date?
    public let deliveredAt: Date?
    public let lastHTTPStatus: Int?

    public init(
        id: Int64, merchantID: String, orderID: String, resultID: String, body: Data, url: String?,
        secret: [UInt8]?, attempts: Int, nextAttemptAt: Date?, deliveredAt: Date?, lastHTTPStatus: Int?
    ) {
        self.id = id
        self.merchantID = merchantID
        self.orderID = orderID
        self.resultID = resultID
        self.body = body
        self.url = url
        self.secret = secret
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.deliveredAt = deliveredAt
        self.lastHTTPStatus = lastHTTPStatus
    }
}

/// A card in the vault: ciphertext, owner and last four; never the number in clear.
public struct VaultedCard: Hashable, Sendable {
    /// The random reference the phone sends instead of the card.
    public let reference: String
    /// The only user who may pay with it.
    public let userID: String
    /// AES-GCM combined form (nonce ‖ ciphertext ‖ tag), bound to user and reference.
    public let sealed: Data
    public let last4: String
    public let createdAt: Date

    public init(reference: String, userID: String, sealed: Data, last4: String, createdAt: Date) {
        self.reference = reference
        self.userID = userID
        self.sealed = sealed
        self.last4 = last4
        self.createdAt = createdAt
    }
}
