import CoreMetrics
import ISO8583
import ISO8583NIO
import Logging
import NIOCore
import NIOPosix

/// One persistent TCP connection to the bank host, re-opened on demand after it drops.
///
/// Requests are matched to responses like jPOS QMUX does: by response MTI, terminal (field 41)
/// and STAN (field 11), so several requests can be in flight at once.
actor HostConnection {
    struct MatchKey: Hashable {
        let mti: MessageTypeIndicator
        let terminal: String
        let stan: String
    }

    let host: String
    let port: Int
    let connectTimeout: TimeAmount
    let logger: Logger
    let codec = ISO8583Codec()

    private var writer: NIOAsyncChannelOutboundWriter<ByteBuffer>?
    private var channel: (any Channel)?
    private var generation = 0
    private var connecting: Task<Void, any Error>?
    private var pending: [MatchKey: CheckedContinuation<ISOMessage, any Error>] = [:]

    let metrics: any MetricsFactory

    init(host: String, port: Int, connectTimeout: TimeAmount, metrics: any MetricsFactory, logger: Logger) {
        self.host = host
        self.port = port
        self.connectTimeout = connectTimeout
        self.metrics = metrics
        self.logger = logger
    }

    var isConnected: Bool { writer != nil }

    /// Whether the bank can be reached now: the open connection, or a new one made for the asking.
    func probe() async -> Bool {
        if writer != nil { return true }
        do { try await ensureConnected() } catch { return false }
        return writer != nil
    }

    /// Sends `message` and waits for its response.
    /// - Throws: ``LinkError/notConnected`` when nothing was sent; ``LinkError/timeout`` or
    ///   ``LinkError/connectionLost`` when it was sent but no answer came.
    func send(_ message: ISOMessage, timeout: Duration) async throws -> ISOMessage {
        try await send(message, bytes: try codec.encode(message), timeout: timeout)
    }

    /// Sends `bytes`, the encoding of `message` the caller already made (and checked), and waits
    /// for the response to `message`.
    func send(_ message: ISOMessage, bytes: [UInt8], timeout: Duration) async throws -> ISOMessage {
        do { try await ensureConnected() } catch {
            logger.warning("cannot reach bank host \(host):\(port): \(error)")
            throw LinkError.notConnected
        }
        guard let writer else { throw LinkError.notConnected }
        let key = MatchKey(
            mti: message.mti.response, terminal: message[.terminalID] ?? "",
            stan: message[.systemTraceAuditNumber] ?? "")
        let started = ContinuousClock.now
        do {
            let reply = try await exchange(key, bytes: bytes, timeout: timeout)
            recordRoundTrip(message.mti, outcome: "answered", since: started)
            return reply
        } catch let error as LinkError {
            recordRoundTrip(message.mti, outcome: error == .timeout ? "timeout" : "lost", since: started)
            throw error
        }
    }

    /// Records the time from sending to the answer (or to giving up) in
    /// `pairpay_bank_round_trip_seconds{mti, outcome}`.
    private func recordRoundTrip(
        _ mti: MessageTypeIndicator, outcome: String, since started: ContinuousClock.Instant
    ) {
        let (seconds, attoseconds) = (ContinuousClock.now - started).components
        Timer(
            label: "pairpay_bank_round_trip_seconds", dimensions: [("mti", "\(mti)"), ("outcome", outcome)],
            factory: metrics
        ).recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    private func exchange(_ key: MatchKey, bytes: [UInt8], timeout: Duration) async throws -> ISOMessage {
        guard let writer else { throw LinkError.notConnected }
        return try await withCheckedThrowingContinuation { continuation in
            // One waiter per match key: a second request with the same key (the same reversal
            // flushed by two callers at once) must not replace the first waiter, whose caller would
            // then wait forever. It is not sent; its caller repeats it later.
            guard pending[key] == nil else {
                logger.notice("a request with STAN \(key.stan) is already in flight; not sent again now")
                continuation.resume(throwing: LinkError.notConnected)
                return
            }
            pending[key] = continuation
            Task {
                do { try await writer.write(ByteBuffer(bytes: bytes)) } catch {
                    self.fail(key, with: .connectionLost)
                }
            }
            Task {
                try? await Task.sleep(for: timeout)
                self.fail(key, with: .timeout)
            }
        }
    }

    /// Closes the connection (pending requests fail with ``LinkError/connectionLost``).
    func close() async {
        try? await channel?.close()
    }

    private func fail(_ key: MatchKey, with error: LinkError) {
        pending.removeValue(forKey: key)?.resume(throwing: error)
    }

    private func ensureConnected() async throws {
        if writer != nil { return }
        if let connecting { return try await connecting.value }
        let task = Task { try await self.connect() }
        connecting = task
        defer { connecting = nil }
        try await task.value
    }

    private func connect() async throws {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addISO8583Framing()
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        generation += 1
        let current = generation
        let (writers, handOver) = AsyncStream.makeStream(of: NIOAsyncChannelOutboundWriter<ByteBuffer>.self)
        Task {
            do {
                try await channel.executeThenClose { inbound, outbound in
                    handOver.yield(outbound)
                    handOver.finish()
                    for try await frame in inbound { self.deliver(Array(buffer: frame)) }
                }
            } catch {
                self.logger.info("bank host connection ended: \(error)")
            }
            handOver.finish()
            self.closed(generation: current)
        }
        for await writer in writers {
            self.writer = writer
            self.channel = channel.channel
        }
        guard writer != nil else { throw LinkError.connectionLost }
        logger.info("connected to bank host \(host):\(port)")
    }

    private func deliver(_ bytes: [UInt8]) {
        let message: ISOMessage
        do { message = try codec.decode(bytes) } catch {
            logger.warning("unreadable message from bank host ignored: \(error)")
            return
        }
        let key = MatchKey(
            mti: message.mti, terminal: message[.terminalID] ?? "",
            stan: message[.systemTraceAuditNumber] ?? "")
        guard let continuation = pending.removeValue(forKey: key) else {
            logger.notice("late or unmatched response ignored: \(message)")
            return
        }
        continuation.resume(returning: message)
    }

    private func closed(generation closedGeneration: Int) {
        guard closedGeneration == generation else { return }
        writer = nil
        channel = nil
        let waiting = pending
        pending = [:]
        for continuation in waiting.values { continuation.resume(throwing: LinkError.connectionLost) }
        if !waiting.isEmpty { logger.warning("connection lost with \(waiting.count) requests in flight") }
    }
}
