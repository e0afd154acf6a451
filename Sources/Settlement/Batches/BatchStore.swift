import Foundation

/// The batch ledger: entries written with the orders and refunds that make them (see
/// ``BatchEntry``), closed into batches per lane.
public protocol BatchStore: Sendable {
    /// Closes batch `batchID` of the merchant: every entry of `laneID` (every lane when nil) not in
    /// a batch yet joins it, atomically, and its totals are returned. A batch id already closed
    /// returns that batch as it was closed (with its stored report), taking no new entries: a
    /// repeated close is safe.
    ///
    /// `includingUnassigned`: a lane's close takes the entries of no lane (`""`: orders whose
    /// store request named none) too — for a merchant without lanes, whose registers share it all.
    func closeBatch(
        merchantID: String, laneID: String?, batchID: String, closedAt: Date, includingUnassigned: Bool
    ) async throws -> ClosedBatch
    /// Batch `batchID` as it was closed, or nil when it never was.
    func batch(merchantID: String, batchID: String) async throws -> ClosedBatch?
    /// Stores the report of a closed batch (the JSON of its ``BatchCloseView``) once it is complete.
    func saveBatchReport(merchantID: String, batchID: String, report: Data) async throws
    /// The totals of the entries of `laneID` (every lane when nil) not in any batch yet.
    func openTotals(merchantID: String, laneID: String?) async throws -> [LaneTotals]
}

/// A batch as the store closed it.
public struct ClosedBatch: Hashable, Sendable {
    public let batchID: String
    /// The lane it closed, nil for every lane of the merchant.
    public let laneID: String?
    public let closedAt: Date
    public let totals: [LaneTotals]
    /// The stored report, when this batch id was closed and reported before.
    public let report: Data?

    public init(batchID: String, laneID: String?, closedAt: Date, totals: [LaneTotals], report: Data?) {
        self.batchID = batchID
        self.laneID = laneID
        self.closedAt = closedAt
        self.totals = totals
        self.report = report
    }
}
