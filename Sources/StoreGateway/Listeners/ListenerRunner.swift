import Hummingbird
import Logging

/// Runs a Hummingbird application in a task and reports the port it bound (or why it could not).
enum ListenerRunner {
    /// Starts `application`; returns its task and the bound port once it accepts connections.
    /// - Throws: ``StoreGatewayConfigurationError`` naming `option` when it cannot listen.
    static func start<App: ApplicationProtocol>(
        _ makeApplication: (_ onRunning: @escaping @Sendable (Int) -> Void) throws -> App, option: String,
        address: ListenAddress
    ) async throws(StoreGatewayConfigurationError) -> (Task<Void, Never>, Int) {
        let (events, continuation) = AsyncStream.makeStream(of: Result<Int, any Error>.self)
        let application: App
        do {
            application = try makeApplication { port in continuation.yield(.success(port)) }
        } catch {
            throw .invalid(option: option, reason: "cannot set up the listener: \(error)")
        }
        let task = Task {
            do {
                try await application.runService(gracefulShutdownSignals: [])
            } catch {
                continuation.yield(.failure(error))
            }
            continuation.finish()
        }
        for await event in events {
            switch event {
            case .success(let port):
                return (task, port)
            case .failure(let error):
                throw .invalid(
                    option: option, reason: "cannot listen on \(address) (\(error)); pick a free port or 0")
            }
        }
        throw .invalid(option: option, reason: "cannot listen on \(address); pick a free port or 0")
    }
}
