import PairPayCore
import Register

/// Everything registerd's settlement gateway needs: where settlementd is and how to trust it,
/// who the store is and how it proves it, how results come back, and the timings.
/// The keys are those of docs/IN-STORE-CONTRACT.md.
public struct StoreGatewayConfiguration: Sendable {
    /// settlementd's base URL, `https://host:port` (`settlement-url`).
    public var settlementURL: String
    /// PEM file of the CA settlementd's certificate chains to (`settlement-ca`); nothing else is trusted.
    public var settlementCAPath: String
    /// The merchant id enrolled with `pairpay enroll merchant` (`merchant-id`).
    public var merchantID: String
    /// How the store authenticates its requests (`store-auth`).
    public var authentication: StoreAuthentication
    /// The server's raw 32-byte Ed25519 result key (`server-public-key`).
    public var serverPublicKey: [UInt8]
    /// The enabled result paths (`result-paths`, default relay and query).
    public var resultPaths: Set<ResultSource>
    /// Where the relay endpoint listens (`relay-listen`); nil: no endpoint (the register's RELAY
    /// frame still works when `relay` is enabled).
    public var relayListen: ListenAddress?
    /// The URL the phone posts relayed results to, when it differs from the listen address (`relay-url`).
    public var relayURL: String?
    /// The form of the phone payload (`payload-format`).
    public var payloadFormat: PhonePayloadFormat
    /// settlementd's base URL as phones reach it, for the checkout link (`checkout-url`); nil:
    /// ``settlementURL``.
    public var checkoutURL: String?
    /// TLS for the relay endpoint (optional: relayed results authenticate themselves).
    public var relayTLS: ListenerTLS?
    /// Where the HTTPS push receiver listens (`push-listen`), with its TLS files and push secret.
    public var push: PushReceiverSettings?
    /// The first query interval (`poll-interval-ms`); doubled after each query up to ``maximumPollInterval``.
    public var pollInterval: Duration
    /// The longest query interval.
    public var maximumPollInterval: Duration
    /// The `expiresInSeconds` of the first request (`order-ttl-seconds`).
    public var orderTTLSeconds: Int
    /// How long after the payment deadline the final query is made (the server expires the order itself).
    public var finalQueryGrace: Duration
    /// How many times a request is retried after a transport failure before giving up.
    public var requestRetries: Int
    /// The delay before the first retry of a request; doubled after each.
    public var retryBase: Duration
    /// How long a cancel is retried while the server is authorizing the order (409).
    public var cancelRetryWindow: Duration
    /// Time allowed for one HTTP request to settlementd.
    public var requestTimeout: Duration
    /// The lane this registerd sells at, sent as `laneId` in every first request and batch close
    /// (registerd: its terminal id); nil for none.
    public var laneID: String?

    /// The paths registerd accepts when none are configured.
    public static let defaultResultPaths: Set<ResultSource> = [.relay, .query]

    public init(
        settlementURL: String, settlementCAPath: String, merchantID: String,
        authentication: StoreAuthentication,
        serverPublicKey: [UInt8],
        resultPaths: Set<ResultSource> = StoreGatewayConfiguration.defaultResultPaths,
        relayListen: ListenAddress? = nil, relayURL: String? = nil,
        payloadFormat: PhonePayloadFormat = .checkoutURL,
        checkoutURL: String? = nil, relayTLS: ListenerTLS? = nil,
        push: PushReceiverSettings? = nil, pollInterval: Duration = .seconds(1),
        maximumPollInterval: Duration = .seconds(8), orderTTLSeconds: Int = 120,
        finalQueryGrace: Duration = .seconds(3), requestRetries: Int = 3,
        retryBase: Duration = .milliseconds(500),
        cancelRetryWindow: Duration = .seconds(10), requestTimeout: Duration = .seconds(10)
    ) {
        self.settlementURL = settlementURL.hasSuffix("/") ? String(settlementURL.dropLast()) : settlementURL
        self.settlementCAPath = settlementCAPath
        self.merchantID = merchantID
        self.authentication = authentication
        self.serverPublicKey = serverPublicKey
        self.resultPaths = resultPaths
        self.relayListen = relayListen
        self.relayURL = relayURL
        self.payloadFormat = payloadFormat
        self.checkoutURL = checkoutURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.relayTLS = relayTLS
        self.push = push
        self.pollInterval = pollInterval
        self.maximumPollInterval = maximumPollInterval
        self.orderTTLSeconds = orderTTLSeconds
        self.finalQueryGrace = finalQueryGrace
        self.requestRetries = requestRetries
        self.retryBase = retryBase
        self.cancelRetryWindow = cancelRetryWindow
        self.requestTimeout = requestTimeout
    }

    /// The result paths in the contract's order, comma-separated (`relay,push,query`).
    public var resultPathList: String {
        ResultSource.allCases.filter { resultPaths.contains($0) }.map(\.rawValue).joined(separator: ",")
    }

    /// Parses a `result-paths` value: a comma list of `relay`, `push`, `query`.
    /// - Throws: ``StoreGatewayConfigurationError`` naming the unknown path.
    public static func parseResultPaths(
        _ text: String
    ) throws(StoreGatewayConfigurationError) -> Set<ResultSource> {
        var paths: Set<ResultSource> = []
        for part in text.split(separator: ",").map({ $0.trimmingWhitespace() }) {
            guard let path = ResultSource(rawValue: part) else {
                throw .invalid(
                    option: "result-paths",
                    reason: "'\(part)' is not a result path; use a comma list of relay, push, query")
            }
            paths.insert(path)
        }
        guard !paths.isEmpty else {
            throw .invalid(option: "result-paths", reason: "name at least one of relay, push, query")
        }
        return paths
    }
}
