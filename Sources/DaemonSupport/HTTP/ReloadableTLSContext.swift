import NIOSSL
import Synchronization

/// An ``HTTPListener``'s TLS context, replaceable while it listens (issue 16): each new
/// connection takes the current one, connections already open keep theirs.
public final class ReloadableTLSContext: Sendable {
    private let box: Mutex<NIOSSLContext>

    public init(_ context: NIOSSLContext) {
        box = Mutex(context)
    }

    /// The context new connections get.
    public var current: NIOSSLContext { box.withLock { $0 } }

    /// New connections get `context` from now on.
    public func replace(with context: NIOSSLContext) {
        box.withLock { $0 = context }
    }
}
