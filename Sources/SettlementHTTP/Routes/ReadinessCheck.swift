/// One thing an instance needs before a load balancer should send it requests: the database
/// answering, the bank link up. `GET /ready` runs every check; `GET /health` runs none.
public protocol ReadinessCheck: Sendable {
    /// The check's name in the `/ready` answer (`database`, `bank`).
    var name: String { get }
    /// Whether it is ready now. Called on every `/ready`; keep it cheap and bounded.
    func isReady() async -> Bool
}

/// A ``ReadinessCheck`` from a closure.
public struct ClosureReadinessCheck: ReadinessCheck {
    public let name: String
    let check: @Sendable () async -> Bool

    public init(name: String, check: @escaping @Sendable () async -> Bool) {
        self.name = name
        self.check = check
    }

    public func isReady() async -> Bool { await check() }
}
