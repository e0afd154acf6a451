import ServiceLifecycle

/// ``RegisterService`` as a `Service` of registerd's `ServiceGroup`, placed before the
/// ``SerialLinkService`` that feeds it: graceful shutdown reaches the link first, whose closing
/// ends the events the transactions are served from; this service then waits for its own turn
/// to shut down, so the group sees each service end in order.
public struct RegisterTransactionService: Service {
    let service: RegisterService
    let prepare: @Sendable () async -> Bool

    /// - Parameter prepare: runs first and says whether to serve. RegisterService resumes a
    ///   transaction a restart left open as soon as it runs, and its payment request carries the
    ///   relay URL, so registerd waits here for the listeners to bind. When it says no, the
    ///   service waits for the end of the group without serving.
    public init(_ service: RegisterService, prepare: @escaping @Sendable () async -> Bool = { true }) {
        self.service = service
        self.prepare = prepare
    }

    public func run() async throws {
        if await prepare() { await service.run() }
        // The events end only when the link closes, which is graceful shutdown (or cancellation).
        try? await gracefulShutdown()
    }
}
