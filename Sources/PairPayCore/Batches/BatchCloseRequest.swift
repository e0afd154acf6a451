/// The store's request to close a batch (`POST /v1/batches/close`), every field optional.
///
/// JSON: `{"laneId"?: String, "batchId"?: String}`. Without `laneId` every lane of the merchant is
/// closed together; without `batchId` the server names the batch (then a repeat is a new close).
/// registerd sends both: its terminal id and `<terminal id>-<period number>`.
public struct BatchCloseRequest: Hashable, Sendable {
    /// The lane to close (registerd's terminal id).
    public let laneID: String?
    /// The store's id for this close (1–64 characters): closing it again returns the same batch.
    public let batchID: String?

    /// Checks and creates a close request.
    /// - Throws: ``OrderValidationError`` naming the field to fix.
    public init(laneID: String? = nil, batchID: String? = nil) throws(OrderValidationError) {
        if let laneID, !OrderText.isIdentifier(laneID, maxBytes: 32) {
            throw .invalidField("laneId", OrderText.identifierRule(maxBytes: 32))
        }
        if let batchID, !OrderText.isIdentifier(batchID, maxBytes: 64) {
            throw .invalidField("batchId", OrderText.identifierRule(maxBytes: 64))
        }
        self.laneID = laneID
        self.batchID = batchID
    }
}

extension BatchCloseRequest: Codable {
    enum CodingKeys: String, CodingKey {
        case laneID = "laneId"
        case batchID = "batchId"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            laneID: try container.decodeIfPresent(String.self, forKey: .laneID),
            batchID: try container.decodeIfPresent(String.self, forKey: .batchID))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(laneID, forKey: .laneID)
        try container.encodeIfPresent(batchID, forKey: .batchID)
    }
}
