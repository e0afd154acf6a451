import NIOCore
import NIOHTTP1

/// One connection of an ``HTTPListener``: collects the request (the body up to the limit), asks
/// `answer` for the response off the event loop, writes it with `Content-Length` and
/// `Connection: close`, and closes. A plain channel handler, so that a connection accepted while
/// the listener stops is simply closed (an async channel wrapper dropped unread would trap).
final class HTTPListenerHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let maximumBody: Int
    private let serverName: String
    private let answer: @Sendable (HTTPListenerRequest) async -> HTTPListenerResponse
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    /// Set once the request is complete (or too large): nothing more is read.
    private var answering = false

    init(
        maximumBody: Int, serverName: String,
        answer: @escaping @Sendable (HTTPListenerRequest) async -> HTTPListenerResponse
    ) {
        self.maximumBody = maximumBody
        self.serverName = serverName
        self.answer = answer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answering else { return }
        switch unwrapInboundIn(data) {
        case .head(let received):
            head = received
            body = []
        case .body(let buffer):
            guard let head else { return }
            guard body.count + buffer.readableBytes <= maximumBody else {
                respond(context, to: head, HTTPListener.request(head, body: [], tooLarge: true))
                return
            }
            body.append(contentsOf: buffer.readableBytesView)
        case .end:
            guard let head else { return }
            respond(context, to: head, HTTPListener.request(head, body: body, tooLarge: false))
        }
    }

    private func respond(
        _ context: ChannelHandlerContext, to head: HTTPRequestHead, _ request: HTTPListenerRequest
    ) {
        answering = true
        body = []
        let promise = context.eventLoop.makePromise(of: HTTPListenerResponse.self)
        let answer = self.answer
        promise.completeWithTask { await answer(request) }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        promise.futureResult.whenSuccess { response in
            let (handler, context) = bound.value
            handler.write(response, to: head, context)
        }
    }

    private func write(
        _ response: HTTPListenerResponse, to request: HTTPRequestHead, _ context: ChannelHandlerContext
    ) {
        var headers = response.headers
        headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count))
        headers.replaceOrAdd(name: "Connection", value: "close")
        headers.replaceOrAdd(name: "Server", value: serverName)
        context.write(
            wrapOutboundOut(
                .head(HTTPResponseHead(version: request.version, status: response.status, headers: headers))),
            promise: nil)
        if !response.body.isEmpty && request.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: response.body)))), promise: nil)
        }
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        let channel = context.channel
        written.futureResult.whenComplete { _ in channel.close(promise: nil) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
