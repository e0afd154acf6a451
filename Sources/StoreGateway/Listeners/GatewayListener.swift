import DaemonSupport
import ServiceLifecycle

/// One of the gateway's listeners (the relay endpoint or the push receiver) as a `Service`, for
/// registerd's `ServiceGroup`: it binds when it runs, tells ``bound`` its base URL once it accepts
/// connections, stops accepting and finishes its requests on graceful shutdown, and fails with a
/// ``StoreGatewayConfigurationError`` naming its option when it cannot listen.
public struct GatewayListener: Service, CustomStringConvertible {
    /// Which result path the listener serves.
    public enum Role: String, Sendable {
        /// `POST /v1/relay`: results the phone relays.
        case relay
        /// `POST /v1/push`: results settlementd pushes.
        case push
    }

    public let role: Role
    /// The option that configures it (`relay-listen`, `push-listen`), named in its errors.
    public let option: String
    /// Where it listens (port 0: any free port).
    public let address: ListenAddress
    /// Yields the base URL (`https://HOST:PORT`, with the port bound) once the listener accepts
    /// connections, then finishes; finishes without a value when the listener could not start.
    /// One consumer.
    public let bound: AsyncStream<String>
    private let continuation: AsyncStream<String>.Continuation
    private let scheme: String
    private let serve: @Sendable (_ onRunning: @escaping @Sendable (Int) -> Void) async throws -> Void
    private let onBound: @Sendable (String) -> Void

    /// - Parameters:
    ///   - listener: the HTTP listener that serves the role's route.
    ///   - onBound: runs with the base URL as soon as it is known, before ``bound`` yields it.
    init(
        role: Role, option: String, address: ListenAddress, scheme: String, listener: HTTPListener,
        onBound: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.role = role
        self.option = option
        self.address = address
        self.scheme = scheme
        self.onBound = onBound
        (bound, continuation) = AsyncStream.makeStream(of: String.self)
        serve = { onRunning in try await listener.run(onBound: onRunning) }
    }

    public func run() async throws {
        let (continuation, scheme, address, onBound) = (
            self.continuation, self.scheme, self.address, self.onBound
        )
        defer { continuation.finish() }
        do {
            try await serve { port in
                let base = "\(scheme)://\(address.host):\(port)"
                onBound(base)
                continuation.yield(base)
                continuation.finish()
            }
        } catch {
            throw StoreGatewayConfigurationError.invalid(
                option: option,
                reason:
                    "the listener on \(address) could not start or stopped (\(error)); if the port is in use, pick a free one or 0"
            )
        }
    }

    public var description: String {
        "\(role == .relay ? "relay endpoint" : "push receiver") (\(option) \(address))"
    }

    /// The base URL once bound; nil when the listener stopped first (it failed, or was cancelled).
    public func boundURL() async -> String? {
        for await base in bound { return base }
        return nil
    }
}
