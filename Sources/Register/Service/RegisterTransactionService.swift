import ServiceLifecycle

/// ``RegisterService`` as a `Service` of registerd's `ServiceGroup`, placed before the
/// ``SerialLinkService`` that feeds it: graceful shutdown reaches the link first, whose closing
/// ends the events the transactions are served from; this service then waits for its own turn
/// to shut down, so the group sees each service end in order.
public struct RegisterTransactionService: Service {
    let service: RegisterService

    public init(_ service: RegisterService) { self.service = service }

    public func run() async throws {
        await service.run()
        // The events end only when the link closes, which is graceful shutdown (or cancellation).
        try? await gracefulShutdown()
    }
}
