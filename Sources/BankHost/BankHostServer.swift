import ISO8583
import ISO8583NIO
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// The bank host's TCP front end: accepts acquirer connections, reads 2-byte length-framed ISO 8583
/// requests, has the ``Issuer`` answer them (several at a time per connection) and applies the
/// ``FaultPlan``.
public final class BankHostServer: Sendable {
    /// The port actually bound (useful when started on port 0).
    public let port: Int
    /// The address bound, e.g. `127.0.0.1`.
    public let host: String
    let serverChannel: any Channel
    let connections: Mutex<[ObjectIdentifier: any Channel]>
    let acceptLoop: Mutex<Task<Void, Never>?>
    let counters: Mutex<Counters>

    /// Requests answered and connections seen so far, for progress lines.
    public struct Counters: Sendable, Equatable {
        public var connectionsAccepted = 0
        public var requestsReceived = 0
        public var unreadableRequests = 0
    }

    /// Binds and starts accepting connections.
    /// - Throws: NIO's `IOError` when the address cannot be bound (for example the port is in use).
    public static func start(
        host: String = "127.0.0.1", port: Int = 0, issuer: Issuer, faults: FaultPlan = .none, logger: Logger,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> BankHostServer {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: host, port: port) { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addISO8583Framing()
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: child)
                }
            }
        let server = BankHostServer(serverChannel: channel.channel, host: host)
        let task = Task { await server.acceptLoop(channel, issuer: issuer, faults: faults, logger: logger) }
        server.acceptLoop.withLock { $0 = task }
        logger.info("bank host listening", metadata: ["host": "\(host)", "port": "\(server.port)"])
        return server
    }

    init(serverChannel: any Channel, host: String) {
        self.serverChannel = serverChannel
        self.host = host
        self.port = serverChannel.localAddress?.port ?? 0
        self.connections = Mutex([:])
        self.acceptLoop = Mutex(nil)
        self.counters = Mutex(Counters())
    }

    /// The counters so far.
    public var currentCounters: Counters { counters.withLock { $0 } }

    /// Stops accepting, closes every open connection and waits for the handlers to finish.
    public func stop() async {
        try? await serverChannel.close()
        let open = connections.withLock { Array($0.values) }
        for connection in open { try? await connection.close() }
        let task = acceptLoop.withLock { $0 }
        task?.cancel()
        await task?.value
    }

    /// Closes every open client connection but keeps listening (a "network blip").
    public func dropAllConnections() async {
        let open = connections.withLock { Array($0.values) }
        for connection in open { try? await connection.close() }
    }

    func acceptLoop(
        _ channel: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>, issuer: Issuer,
        faults: FaultPlan, logger: Logger
    ) async {
        do {
            try await channel.executeThenClose { inbound in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await connection in inbound {
                        group.addTask {
                            await self.serve(connection, issuer: issuer, faults: faults, logger: logger)
                        }
                    }
                }
            }
        } catch {
            logger.debug("accept loop ended: \(error)")
        }
    }
}
