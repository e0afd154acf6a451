import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging

extension HTTPSettlementGateway {
    /// Where the gateway's listeners are bound.
    public struct Listeners: Equatable, Sendable {
        /// The relay endpoint's base URL, `http://HOST:PORT` (or https), when it runs.
        public var relayEndpoint: String?
        /// The push receiver's base URL, `https://HOST:PORT`, when it runs.
        public var pushReceiver: String?
    }

    /// Binds the relay endpoint (when `relay` is enabled and `relay-listen` is set) and the push
    /// receiver (when `push` is enabled); port 0 picks a free port, and the URLs returned have
    /// the real one.
    /// - Throws: ``StoreGatewayConfigurationError`` naming the option when a listener cannot start.
    public func start() async throws(StoreGatewayConfigurationError) -> Listeners {
        var bound = Listeners()
        if configuration.resultPaths.contains(.relay), let address = configuration.relayListen {
            let router = RelayEndpoint.router(mailbox: mailbox, logger: logger)
            let tls = try configuration.relayTLS.map { tls throws(StoreGatewayConfigurationError) in
                try tls.serverConfiguration(option: "relay")
            }
            let logger = self.logger
            let (task, port) = try await ListenerRunner.start(
                { onRunning in
                    let server: HTTPServerBuilder =
                        try tls.map { try .tls(.http1(), tlsConfiguration: $0) } ?? .http1()
                    return Application(
                        router: router, server: server,
                        configuration: .init(
                            address: .hostname(address.host, port: address.port),
                            serverName: "PairPay-registerd-relay"),
                        onServerRunning: { onRunning($0.localAddress?.port ?? address.port) }, logger: logger)
                }, option: "relay-listen", address: address)
            listeners.withLock { $0.append(task) }
            let base = "\(tls == nil ? "http" : "https")://\(address.host):\(port)"
            bound.relayEndpoint = base
            relayURL.withLock { $0 = configuration.relayURL ?? base + RelayEndpoint.path }
        }
        if configuration.resultPaths.contains(.push) {
            guard let push = configuration.push else {
                throw .missing(
                    option: "push-listen",
                    reason: "when result-paths has push (with push-cert, push-key, push-secret-file)")
            }
            let router = PushReceiver.router(mailbox: mailbox, secret: push.secret, logger: logger)
            let tls = try push.tls.serverConfiguration(option: "push")
            let logger = self.logger
            let (task, port) = try await ListenerRunner.start(
                { onRunning in
                    Application(
                        router: router, server: try .tls(.http1(), tlsConfiguration: tls),
                        configuration: .init(
                            address: .hostname(push.listen.host, port: push.listen.port),
                            serverName: "PairPay-registerd-push"),
                        onServerRunning: { onRunning($0.localAddress?.port ?? push.listen.port) },
                        logger: logger)
                }, option: "push-listen", address: push.listen)
            listeners.withLock { $0.append(task) }
            bound.pushReceiver = "https://\(push.listen.host):\(port)"
        }
        return bound
    }
}
