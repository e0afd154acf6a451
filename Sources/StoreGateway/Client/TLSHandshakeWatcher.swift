import NIOCore
import NIOSSL
import NIOTLS

/// Completes its promise when the TLS handshake has finished, and fails it with the error that
/// stopped the handshake (or the connection closing first). Placed after `NIOSSLClientHandler`:
/// until it fires, nothing of the request has been written, so a failure here certainly came
/// before the server could act.
final class TLSHandshakeWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let promise: EventLoopPromise<Void>
    private var done = false

    init(promise: EventLoopPromise<Void>) {
        self.promise = promise
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event, !done {
            done = true
            promise.succeed()
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !done {
            done = true
            promise.fail(error)
        }
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !done {
            done = true
            promise.fail(HTTPSExchangeFailure.closedDuringHandshake)
        }
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        if !done {
            done = true
            promise.fail(HTTPSExchangeFailure.closedDuringHandshake)
        }
    }
}
