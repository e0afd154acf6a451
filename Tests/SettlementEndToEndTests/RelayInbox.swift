import Synchronization

/// What the test's relay endpoint received.
final class RelayInbox: Sendable {
    private let received = Mutex<[(contentType: String, text: String)]>([])

    func append(contentType: String, text: String) { received.withLock { $0.append((contentType, text)) } }

    var posts: [(contentType: String, text: String)] { received.withLock { $0 } }
}
