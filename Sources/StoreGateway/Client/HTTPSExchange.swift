import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// One HTTP/1.1 request and its answer over a TLS connection of its own (`Connection: close`).
///
/// The exchange knows exactly whether the request may have reached the server: the request is
/// written only once the TLS handshake has finished, so every failure up to then (no route,
/// refused, connect timeout, a certificate that does not verify) is ``Failure/mayHaveArrived``
/// false, and every failure after it true.
struct HTTPSExchange: Sendable {
    /// Why an exchange failed, and whether the server may have acted on the request.
    struct Failure: Error, CustomStringConvertible {
        /// Whether any of the request was written: then the server may have acted on it.
        let mayHaveArrived: Bool
        /// What failed, for the log.
        let reason: String

        var description: String { reason }
    }

    /// The server's host name or IP address (without brackets).
    let host: String
    let port: Int
    let tls: NIOSSLContext
    let group: any EventLoopGroup
    /// For the TCP connection and the TLS handshake together.
    let connectTimeout: TimeAmount
    /// For the answer, from the moment the request is written.
    let answerTimeout: TimeAmount
    let maximumBody: Int

    /// Sends `head` and `body` and returns the whole answer.
    func perform(
        _ head: HTTPRequestHead, body: [UInt8]
    ) async throws(Failure) -> HTTPResponseCollector.Response {
        let eventLoop = group.next()
        let handshake = eventLoop.makePromise(of: Void.self)
        let response = eventLoop.makePromise(of: HTTPResponseCollector.Response.self)
        // Neither promise may be left unfulfilled, whatever happens (NIO traps on a leaked one).
        defer {
            handshake.fail(HTTPSExchangeFailure.closedDuringHandshake)
            response.fail(HTTPSExchangeFailure.closedBeforeTheAnswerEnded)
        }
        // An IP address is checked against the certificate's IP addresses and sends no SNI.
        let serverHostname: String? = (try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil
        let (tls, maximumBody) = (self.tls, self.maximumBody)
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(connectTimeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverHostname))
                    try pipeline.addHandler(TLSHandshakeWatcher(promise: handshake))
                    try pipeline.addHTTPClientHandlers()
                    try pipeline.addHandler(
                        HTTPResponseCollector(promise: response, maximumBody: maximumBody))
                }
            }

        let connectBy = NIODeadline.now() + connectTimeout
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: host, port: port).get()
        } catch {
            throw Failure(mayHaveArrived: false, reason: Self.describe(error))
        }
        defer { channel.close(promise: nil) }

        let handshakeTimer = eventLoop.scheduleTask(deadline: connectBy) {
            handshake.fail(HTTPSExchangeFailure.handshakeTimedOut)
        }
        do {
            try await withTaskCancellationHandler {
                try await handshake.futureResult.get()
            } onCancel: {
                handshake.fail(CancellationError())
            }
        } catch {
            handshakeTimer.cancel()
            throw Failure(mayHaveArrived: false, reason: Self.describe(error))
        }
        handshakeTimer.cancel()

        // From here on the server may have the request.
        let answerTimer = eventLoop.scheduleTask(in: answerTimeout) {
            response.fail(HTTPSExchangeFailure.answerTimedOut)
        }
        defer { answerTimer.cancel() }
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        if !body.isEmpty {
            channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(bytes: body))), promise: nil)
        }
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        do {
            return try await withTaskCancellationHandler {
                try await response.futureResult.get()
            } onCancel: {
                response.fail(CancellationError())
            }
        } catch {
            throw Failure(mayHaveArrived: true, reason: Self.describe(error))
        }
    }

    /// A failure for the log: NIO's errors by their description, connect errors by their causes.
    static func describe(_ error: any Error) -> String {
        if let error = error as? NIOConnectionError {
            let causes = (error.connectionErrors.map { "\($0.target): \($0.error)" })
            return causes.isEmpty ? "\(error)" : causes.joined(separator: "; ")
        }
        return String(describing: error)
    }
}
