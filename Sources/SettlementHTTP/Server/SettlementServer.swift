import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import ServiceLifecycle

/// The settlement API as a Hummingbird application over TLS.
public enum SettlementServer {
    /// Builds the application. `onListening` gets the bound port once the server accepts connections.
    /// With `identity`, each handshake presents its current certificate and key (reloadable).
    public static func application(
        routes: SettlementRoutes, tls: ServerTLS, identity: ReloadableServerIdentity? = nil, host: String,
        port: Int, logger: Logger, services: [any Service] = [],
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let tlsConfiguration =
            try identity.map { identity throws(ServerTLSError) in
                try tls.configuration(presenting: identity)
            } ?? tls.configuration()
        return Application(
            router: routes.router(),
            server: try .tls(.http1(), tlsConfiguration: tlsConfiguration),
            configuration: .init(address: .hostname(host, port: port), serverName: "PairPay-settlementd"),
            services: services,
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}
