import NIOCore
import NIOHTTP1

/// Collects one HTTP/1.1 response (status and body, the body up to a limit) and completes its
/// promise at the response's end; fails it when the connection errs or closes first, or the
/// body grows past the limit (then it closes the connection).
final class HTTPResponseCollector: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart

    /// A whole response.
    struct Response: Sendable {
        let status: Int
        let body: [UInt8]
    }

    private let promise: EventLoopPromise<Response>
    private let maximumBody: Int
    private var status: Int?
    private var body: [UInt8] = []
    private var done = false

    init(promise: EventLoopPromise<Response>, maximumBody: Int) {
        self.promise = promise
        self.maximumBody = maximumBody
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !done else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            // 1xx answers are interim: the real one follows.
            guard head.status.code >= 200 else { return }
            status = Int(head.status.code)
        case .body(let buffer):
            guard body.count + buffer.readableBytes <= maximumBody else {
                fail(HTTPSExchangeFailure.answerTooLarge(limit: maximumBody))
                context.close(promise: nil)
                return
            }
            body.append(contentsOf: buffer.readableBytesView)
        case .end:
            guard let status else { return }
            done = true
            promise.succeed(Response(status: status, body: body))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(HTTPSExchangeFailure.closedBeforeTheAnswerEnded)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        fail(HTTPSExchangeFailure.closedBeforeTheAnswerEnded)
    }

    private func fail(_ error: any Error) {
        guard !done else { return }
        done = true
        promise.fail(error)
    }
}
