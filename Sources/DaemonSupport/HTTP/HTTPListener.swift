import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import ServiceLifecycle
import Synchronization

/// A small HTTP/1.1 server for a daemon's side doors: registerd's relay endpoint and push
/// receiver, and `/metrics` of registerd and banksim. Exact routes (404 for another path, 405
/// with `Allow` for another method), a request body read whole up to a limit, one request per
/// connection (`Connection: close`), TLS when it is given a context, and a deadline for each
/// request so that a client that goes quiet does not hold a connection.
///
/// Built on NIO's HTTP/1.1 handlers alone, so a daemon that serves a few small requests does not
/// carry a web framework (issue 17, footprint).
public struct HTTPListener: Sendable {
    /// Where and how it listens.
    public struct Configuration: Sendable {
        public var host: String
        /// 0 for any free port.
        public var port: Int
        /// TLS for every connection (the context current when it is accepted), or plain HTTP
        /// when nil.
        public var tls: ReloadableTLSContext?
        /// The largest request body read; a longer one is answered by the route with
        /// ``HTTPListenerRequest/isBodyTooLarge`` set, and the connection closed.
        public var maximumBody: Int
        /// From the connection's start to the answer written.
        public var requestTimeout: TimeAmount
        /// The `Server` header.
        public var serverName: String

        public init(
            host: String, port: Int, tls: ReloadableTLSContext? = nil, maximumBody: Int = 64 * 1024,
            requestTimeout: TimeAmount = .seconds(30), serverName: String
        ) {
            self.host = host
            self.port = port
            self.tls = tls
            self.maximumBody = maximumBody
            self.requestTimeout = requestTimeout
            self.serverName = serverName
        }
    }

    public let configuration: Configuration
    public let routes: [HTTPRoute]
    let logger: Logger

    public init(configuration: Configuration, routes: [HTTPRoute], logger: Logger) {
        self.configuration = configuration
        self.routes = routes
        self.logger = logger
    }

    /// Binds and serves until the task is cancelled or the service group shuts down gracefully
    /// (then it stops accepting and lets the requests under way finish, each within the request
    /// timeout). `onBound` runs with the bound port once connections are accepted.
    /// - Throws: the bind's error (address in use, not this machine's).
    public func run(onBound: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        let (tls, configuration) = (self.configuration.tls, self.configuration)
        let open = OpenConnections()
        let answer: @Sendable (HTTPListenerRequest) async -> HTTPListenerResponse = { [self] in
            await self.answer($0)
        }
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    open.opened()
                    channel.closeFuture.whenComplete { _ in open.closed() }
                    // The whole request, and the answer, within the request timeout.
                    let deadline = channel.eventLoop.scheduleTask(in: configuration.requestTimeout) {
                        channel.close(promise: nil)
                    }
                    channel.closeFuture.whenComplete { _ in deadline.cancel() }
                    let pipeline = channel.pipeline.syncOperations
                    if let tls { try pipeline.addHandler(NIOSSLServerHandler(context: tls.current)) }
                    try pipeline.configureHTTPServerPipeline(
                        withPipeliningAssistance: false, withErrorHandling: true)
                    try pipeline.addHandler(
                        HTTPListenerHandler(
                            maximumBody: configuration.maximumBody, serverName: configuration.serverName,
                            answer: answer))
                }
            }
            .bind(host: configuration.host, port: configuration.port).get()
        onBound(server.localAddress?.port ?? configuration.port)
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                try? await server.closeFuture.get()
            } onGracefulShutdown: {
                server.close(promise: nil)
            }
        } onCancel: {
            server.close(promise: nil)
        }
        // Requests under way finish (each is closed at its deadline at the latest).
        let limit =
            ContinuousClock.now
            + .seconds(Int64(configuration.requestTimeout.nanoseconds / 1_000_000_000) + 1)
        // (A cancelled task does not wait: its sleeps would return at once and spin.)
        while open.count > 0, ContinuousClock.now < limit, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// The route's answer; 404 or 405 when no route takes the request.
    func answer(_ request: HTTPListenerRequest) async -> HTTPListenerResponse {
        let forPath = routes.filter { $0.path == request.path }
        guard !forPath.isEmpty else {
            return HTTPListenerResponse(
                status: .notFound, contentType: "application/json", text: #"{"error":"no such path"}"#)
        }
        guard let route = forPath.first(where: { $0.method == request.method }) else {
            var response = HTTPListenerResponse(
                status: .methodNotAllowed, contentType: "application/json",
                text: #"{"error":"method not allowed"}"#)
            response.headers.add(name: "Allow", value: forPath.map(\.method.rawValue).joined(separator: ", "))
            return response
        }
        return await route.handler(request)
    }

    static func request(_ head: HTTPRequestHead, body: [UInt8], tooLarge: Bool) -> HTTPListenerRequest {
        let path =
            head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first
            .map(String.init) ?? head.uri
        return HTTPListenerRequest(
            method: head.method, path: path, headers: head.headers, body: body, isBodyTooLarge: tooLarge)
    }
}

/// How many connections an ``HTTPListener`` has open, so that it can wait for them when it stops.
final class OpenConnections: Sendable {
    private let value = Mutex(0)

    var count: Int { value.withLock { $0 } }
    func opened() { value.withLock { $0 += 1 } }
    func closed() { value.withLock { $0 -= 1 } }
}
