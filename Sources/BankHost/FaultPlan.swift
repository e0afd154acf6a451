import PairPayCore
import Synchronization

/// Something that can go wrong on purpose, for tests of the acquirer's error handling.
public enum FaultAction: Sendable, Equatable, CustomStringConvertible {
    /// Wait this long before answering.
    case delay(milliseconds: Int)
    /// Process the request (a hold is placed) but send no answer.
    case dropResponse
    /// Process the request, then close the connection instead of answering.
    case closeConnection
    /// Process the request and send an answer that cannot be decoded.
    case garbleReply
    /// Answer 91 (issuer unavailable) without processing.
    case issuerUnavailable

    public var description: String {
        switch self {
        case .delay(let ms): return "delay \(ms) ms"
        case .dropResponse: return "drop response"
        case .closeConnection: return "close connection"
        case .garbleReply: return "garble reply"
        case .issuerUnavailable: return "issuer unavailable"
        }
    }
}

/// One fault switch: an action taken with some probability, optionally only for some accounts.
public struct FaultRule: Sendable, Equatable {
    public let action: FaultAction
    /// 0 never, 1 always.
    public let probability: Double
    /// When set, only requests for these account IDs are affected (network messages never are).
    public let accountIDs: Set<String>?
    /// When set, only requests with these MTIs (as received, e.g. `0200` but not its repeat
    /// `0201`) are affected.
    public let messageTypes: Set<String>?

    public init(
        _ action: FaultAction, probability: Double = 1, accountIDs: Set<String>? = nil,
        messageTypes: Set<String>? = nil
    ) {
        self.action = action
        self.probability = probability
        self.accountIDs = accountIDs
        self.messageTypes = messageTypes
    }
}

/// The fault switches of one bank host, drawn from a seeded generator so runs can be repeated.
public final class FaultPlan: Sendable {
    public let rules: [FaultRule]
    private let generator: Mutex<SplitMix64>

    public init(rules: [FaultRule] = [], seed: UInt64 = 0) {
        self.rules = rules
        self.generator = Mutex(SplitMix64(seed: seed))
    }

    /// No faults.
    public static var none: FaultPlan { FaultPlan() }

    /// The faults to apply to one request for `accountID` (nil for network management messages
    /// and requests without a card number) with MTI `messageType`.
    public func draw(accountID: String?, messageType: String = "") -> [FaultAction] {
        generator.withLock { generator in
            rules.compactMap { rule in
                if let ids = rule.accountIDs {
                    guard let accountID, ids.contains(accountID) else { return nil }
                }
                if let types = rule.messageTypes, !types.contains(messageType) { return nil }
                guard rule.probability > 0 else { return nil }
                return Double.random(in: 0..<1, using: &generator) < rule.probability ? rule.action : nil
            }
        }
    }
}
