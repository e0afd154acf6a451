/// One END OF DAY as registerd journals it: the batch it closes at the settlement server and the
/// totals periods it covers (every period since the previous END OF DAY, so a period closed by
/// TOTALS REQUEST in between is counted too). Journaled `closing` before the settlement server is
/// asked, `closed` in the same write that starts the next period.
public struct EndOfDayRecord: Equatable, Sendable {
    /// Where the close stands.
    public enum State: String, Equatable, Sendable {
        /// Asked of the settlement server, not confirmed: nothing may begin until it is.
        case closing
        /// Confirmed; the periods are closed.
        case closed
    }

    /// `<terminal id>-<last period>`.
    public let batchID: String
    public let firstPeriod: Int
    public let lastPeriod: Int
    public var state: State

    /// The batch id of the close of `period` by `terminal`: `<terminal id>-<period>`.
    public static func batchID(terminal: String, period: Int) -> String { "\(terminal)-\(period)" }

    public init(batchID: String, firstPeriod: Int, lastPeriod: Int, state: State) {
        self.batchID = batchID
        self.firstPeriod = firstPeriod
        self.lastPeriod = lastPeriod
        self.state = state
    }
}
