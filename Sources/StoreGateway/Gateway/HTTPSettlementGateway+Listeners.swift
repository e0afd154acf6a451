import DaemonSupport
import Logging
import NIOSSL
import ServiceLifecycle
import Synchronization

extension HTTPSettlementGateway {
    /// Where the gateway's listeners are bound.
    public struct Listeners: Equatable, Sendable {
        /// The relay endpoint's base URL, `http://HOST:PORT` (or https), when it runs.
        public var relayEndpoint: String?
        /// The push receiver's base URL, `https://HOST:PORT`, when it runs.
        public var pushReceiver: String?
    }

    /// Binds the relay endpoint (when `relay` is enabled and `relay-listen` is set) and the push
    /// receiver (when `push` is enabled) in tasks of their own, stopped by ``shutdown()``; port 0
    /// picks a free port, and the URLs returned have the real one. registerd runs
    /// ``listenerServices()`` in its `ServiceGroup` instead.
    /// - Throws: ``StoreGatewayConfigurationError`` naming the option when a listener cannot start.
    public func start() async throws(StoreGatewayConfigurationError) -> Listeners {
        var bound = Listeners()
        for listener in try listenerServices() {
            let failure = Mutex<StoreGatewayConfigurationError?>(nil)
            let logger = self.logger
            // A group of its own, so that cancelling the task (``shutdown()``) stops it.
            let task = Task<Void, Never> {
                do {
                    try await ServiceGroup(configuration: .init(services: [listener], logger: logger)).run()
                } catch {
                    // The group rethrows its service's error, which names the option.
                    failure.withLock { $0 = error as? StoreGatewayConfigurationError }
                }
            }
            listeners.withLock { $0.append(task) }
            guard let base = await listener.boundURL() else {
                await task.value
                throw failure.withLock { $0 }
                    ?? .invalid(
                        option: listener.option,
                        reason: "cannot listen on \(listener.address); pick a free port or 0")
            }
            switch listener.role {
            case .relay: bound.relayEndpoint = base
            case .push: bound.pushReceiver = base
            }
        }
        return bound
    }

    /// The listeners this configuration needs, not yet bound, as services: the relay endpoint
    /// (when `relay` is enabled and `relay-listen` is set), then the push receiver (when `push` is
    /// enabled). The relay URL for the phone (``phoneRelayURL``) is set when the relay binds.
    /// - Throws: ``StoreGatewayConfigurationError`` naming the option whose TLS files or settings
    ///   cannot be used.
    public func listenerServices() throws(StoreGatewayConfigurationError) -> [GatewayListener] {
        var services: [GatewayListener] = []
        var certificates: [ListenerCertificate] = []
        defer { listenerCertificates.withLock { $0 = certificates } }
        let logger = self.logger
        if configuration.resultPaths.contains(.relay), let address = configuration.relayListen {
            let mailbox = self.mailbox
            let certificate = try configuration.relayTLS.map { tls throws(StoreGatewayConfigurationError) in
                try ListenerCertificate(option: "relay", files: tls)
            }
            if let certificate { certificates.append(certificate) }
            let tls = certificate?.context
            let configured = configuration.relayURL
            let listener = HTTPListener(
                configuration: .init(
                    host: address.host, port: address.port, tls: tls, maximumBody: RelayEndpoint.maximumBody,
                    serverName: "PairPay-registerd-relay"),
                routes: RelayEndpoint.routes(mailbox: mailbox, logger: logger), logger: logger)
            services.append(
                GatewayListener(
                    role: .relay, option: "relay-listen", address: address,
                    scheme: tls == nil ? "http" : "https", listener: listener,
                    onBound: { [self] base in
                        relayURL.withLock { $0 = configured ?? base + RelayEndpoint.path }
                    }
                ))
        }
        if configuration.resultPaths.contains(.push) {
            guard let push = configuration.push else {
                throw .missing(
                    option: "push-listen",
                    reason: "when result-paths has push (with push-cert, push-key, push-secret-file)")
            }
            let mailbox = self.mailbox
            let certificate = try ListenerCertificate(option: "push", files: push.tls)
            certificates.append(certificate)
            let tls = certificate.context
            let listener = HTTPListener(
                configuration: .init(
                    host: push.listen.host, port: push.listen.port, tls: tls,
                    maximumBody: PushReceiver.maximumBody,
                    serverName: "PairPay-registerd-push"),
                routes: PushReceiver.routes(mailbox: mailbox, secret: push.secret, logger: logger),
                logger: logger)
            services.append(
                GatewayListener(
                    role: .push, option: "push-listen", address: push.listen, scheme: "https",
                    listener: listener))
        }
        return services
    }
}
