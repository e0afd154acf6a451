/// The store's request to close a batch (`POST /v1/batches/close`), every field optional.
///
/// JSON: `{"laneId"?: String, "batchId"?: String, "existing"?: Bool}`. Without `laneId` every lane
/// of the merchant is closed together; without `batchId` the server names the batch (then a
/// repeat is a new close). registerd sends both: its terminal id and `<terminal id>-<period>`.
/// With `existing` true (and a `batchId`), nothing new is closed: the batch must have been closed
/// before, and is reported again (`404` otherwise).
public struct BatchCloseRequest: Hashable, Sendable {
    /// The lane to close (registerd's terminal id).
    public let laneID: String?
    /// The store's id for this close (1–64 characters): closing it again returns the same batch.
    public let batchID: String?
    /// Only report a batch closed before.
    public let existing: Bool

    /// Checks and creates a close request.
    /// - Throws: ``OrderValidationError`` naming the field to fix.
    public init(
        laneID: String? = nil, batchID: String? = nil, existing: Bool = false
    ) throws(OrderValidationError) {
        if existing, batchID == nil {
            throw .invalidField("existing", "needs the batchId of the batch to report again")
        }
        self.existing = existing
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
        case existing
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            laneID: try container.decodeIfPresent(String.self, forKey: .laneID),
            batchID: try container.decodeIfPresent(String.self, forKey: .batchID),
            existing: try container.decodeIfPresent(Bool.self, forKey: .existing) ?? false)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(laneID, forKey: .laneID)
        try container.encodeIfPresent(batchID, forKey: .batchID)
        if existing { try container.encode(true, forKey: .existing) }
    }
}
