/// The store's request (store → server): "this order is waiting to be paid".
///
/// JSON: `{"orderId", "contents": OrderContents, "expiresInSeconds"?: Int, "laneId"?: String}`.
/// The merchant comes from authentication and must equal `contents.merchantId`.
public struct FirstSettlementRequest: Hashable, Sendable {
    /// The store's order id; must equal `contents.orderID`.
    public let orderID: String
    /// What is being sold.
    public let contents: OrderContents
    /// How long the customer has to pay, 10–3600 s; `nil` uses the server's default (120 s).
    public let expiresInSeconds: Int?
    /// The register lane the order is sold at (registerd's terminal id): its pushes go to that
    /// lane and its sale counts in that lane's totals. Required once the merchant has lanes.
    public let laneID: String?

    /// The range ``expiresInSeconds`` must lie in.
    public static let allowedExpiry = 10...3600

    /// Checks and creates a first request.
    /// - Throws: ``OrderValidationError`` naming the field to fix.
    public init(
        orderID: String, contents: OrderContents, expiresInSeconds: Int? = nil, laneID: String? = nil
    )
        throws(OrderValidationError)
    {
        self.orderID = orderID
        self.contents = contents
        self.expiresInSeconds = expiresInSeconds
        self.laneID = laneID
        if let laneID, !OrderText.isIdentifier(laneID, maxBytes: 32) {
            throw .invalidField("laneId", OrderText.identifierRule(maxBytes: 32))
        }
        guard orderID == contents.orderID else {
            throw .invalidField("orderId", "must equal contents.orderId")
        }
        if let expiresInSeconds, !Self.allowedExpiry.contains(expiresInSeconds) {
            throw .invalidField("expiresInSeconds", "must be between 10 and 3600 seconds")
        }
    }
}

extension FirstSettlementRequest: Codable {
    enum CodingKeys: String, CodingKey {
        case orderID = "orderId"
        case contents, expiresInSeconds
        case laneID = "laneId"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            orderID: try container.decode(String.self, forKey: .orderID),
            contents: try container.decode(OrderContents.self, forKey: .contents),
            expiresInSeconds: try container.decodeIfPresent(Int.self, forKey: .expiresInSeconds),
            laneID: try container.decodeIfPresent(String.self, forKey: .laneID))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(orderID, forKey: .orderID)
        try container.encode(contents, forKey: .contents)
        try container.encodeIfPresent(expiresInSeconds, forKey: .expiresInSeconds)
        try container.encodeIfPresent(laneID, forKey: .laneID)
    }
}
