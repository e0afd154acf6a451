import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import ServiceLifecycle

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
        /// TLS for every connection, or plain HTTP when nil.
        public var tls: NIOSSLContext?
        /// The largest request body read; a longer one is answered by the route with
        /// ``HTTPListenerRequest/isBodyTooLarge`` set, and the connection closed.
        public var maximumBody: Int
        /// From the connection's start to the answer written.
        public var requestTimeout: TimeAmount
        /// The `Server` header.
        public var serverName: String

        public init(
            host: String, port: Int, tls: NIOSSLContext? = nil, maximumBody: Int = 64 * 1024,
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
    /// (then it stops accepting and finishes the requests under way). `onBound` runs with the
    /// bound port once connections are accepted.
    /// - Throws: the bind's error (address in use, not this machine's).
    public func run(onBound: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        let tls = configuration.tls
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let tls { try pipeline.addHandler(NIOSSLServerHandler(context: tls)) }
                    try pipeline.configureHTTPServerPipeline(
                        withPipeliningAssistance: false, withErrorHandling: true)
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        onBound(server.channel.localAddress?.port ?? configuration.port)
        let listening = server.channel
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await withThrowingDiscardingTaskGroup { group in
                    try await server.executeThenClose { connections in
                        for try await connection in connections {
                            group.addTask { await self.serve(connection) }
                        }
                    }
                }
            } onGracefulShutdown: {
                listening.close(promise: nil)
            }
        } onCancel: {
            listening.close(promise: nil)
        }
    }

    /// One connection: one request, its answer, then close.
    func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async {
        let channel = connection.channel
        let deadline = channel.eventLoop.scheduleTask(in: configuration.requestTimeout) {
            channel.close(promise: nil)
        }
        defer { deadline.cancel() }
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                var body: [UInt8] = []
                for try await part in inbound {
                    switch part {
                    case .head(let received):
                        head = received
                    case .body(let buffer):
                        guard let head else { return }
                        guard body.count + buffer.readableBytes <= configuration.maximumBody else {
                            let request = Self.request(head, body: [], tooLarge: true)
                            try await write(await answer(request), to: head, outbound)
                            return
                        }
                        body.append(contentsOf: buffer.readableBytesView)
                    case .end:
                        guard let head else { return }
                        try await write(
                            await answer(Self.request(head, body: body, tooLarge: false)), to: head, outbound)
                        return
                    }
                }
            }
        } catch {
            logger.debug("\(configuration.serverName): a connection ended early: \(error)")
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

    func write(
        _ response: HTTPListenerResponse, to request: HTTPRequestHead,
        _ outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws {
        var headers = response.headers
        headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count))
        headers.replaceOrAdd(name: "Connection", value: "close")
        headers.replaceOrAdd(name: "Server", value: configuration.serverName)
        try await outbound.write(
            .head(HTTPResponseHead(version: request.version, status: response.status, headers: headers)))
        if !response.body.isEmpty && request.method != .HEAD {
            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: response.body))))
        }
        try await outbound.write(.end(nil))
    }

    static func request(_ head: HTTPRequestHead, body: [UInt8], tooLarge: Bool) -> HTTPListenerRequest {
        let path =
            head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first
            .map(String.init) ?? head.uri
        return HTTPListenerRequest(
            method: head.method, path: path, headers: head.headers, body: body, isBodyTooLarge: tooLarge)
    }
}
