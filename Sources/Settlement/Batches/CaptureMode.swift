/// When a merchant's approved sales are captured (the hold becomes posted money).
public enum CaptureMode: String, Hashable, Sendable, Codable, CaseIterable {
    /// At the merchant's end-of-day batch close (`POST /v1/batches/close`); the default. Until
    /// then a cancel releases the hold.
    case endOfDay = "end-of-day"
    /// Right after the approval; the batch close captures whatever was left (a capture the
    /// instance could not send before it stopped). A cancel is then a refund.
    case immediate
}
