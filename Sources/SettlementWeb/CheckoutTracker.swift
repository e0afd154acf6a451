import Foundation

/// The payments this process started from the page, until their result is on record: so a
/// second press of the button starts nothing, and the progress page can tell a refusal (an
/// expired order, a refused card) from a bank still being asked. Entries older than an hour go.
actor CheckoutTracker {
    /// Where a payment started from the page stands.
    enum State: Sendable, Equatable {
        case running
        /// Refused before a result: the HTTP status, the error code and the server's sentence.
        case refused(status: Int, code: String, message: String)
        case finished
    }

    private var entries: [String: (state: State, since: Date)] = [:]

    /// Marks `key` running; false when it already runs or finished (nothing new is started).
    func begin(_ key: String, at now: Date) -> Bool {
        prune(now)
        if let entry = entries[key], entry.state == .running || entry.state == .finished { return false }
        entries[key] = (.running, now)
        return true
    }

    func end(_ key: String, _ state: State, at now: Date) {
        entries[key] = (state, now)
    }

    func state(_ key: String) -> State? { entries[key]?.state }

    private func prune(_ now: Date) {
        entries = entries.filter { now.timeIntervalSince($0.value.since) < 3600 }
    }
}
