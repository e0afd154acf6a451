import CoreMetrics
import Logging
import RegisterProtocol
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The register link with I/O: one thread that owns the device, runs the ``LinkStateMachine``,
/// reopens the device after a hang-up, and reports ``SerialLinkEvent``s.
///
/// The thread polls the device and a wake pipe, so sending never blocks the caller and timers are
/// served to the millisecond. Frames are traced at debug level: direction, time since the link
/// started, and hex. Nothing sensitive crosses this link (`hw/PROTOCOL.md` §8).
public final class SerialLink: Sendable {
    private struct Outgoing: Sendable {
        var token: UInt64
        var type: UInt8
        var payload: [UInt8]
        var droppable: Bool
    }

    private struct Shared: Sendable {
        var outbox: [Outgoing] = []
        var nextToken: UInt64 = 1
        var stopping = false
        var running = false
    }

    /// The events of the link, in order; finishes when the link is stopped. One consumer only:
    /// an `AsyncStream` hands each event to just one of several iterating tasks.
    public let events: AsyncStream<SerialLinkEvent>
    private let continuation: AsyncStream<SerialLinkEvent>.Continuation
    private let configuration: LinkConfiguration
    private let transport: any SerialTransport
    private let logger: Logger
    private let backoff: ReconnectBackoff
    private let shared = Mutex(Shared())
    private let wakePipe = WakePipe()
    private let finished = Mutex<Bool>(false)
    private let threadHandle = Mutex<pthread_t?>(nil)

    /// - Parameters:
    ///   - transport: the device; it is opened by the link thread, and reopened after a hang-up.
    ///   - configuration: the link timers.
    ///   - backoff: the delays between attempts to open the device.
    ///   - logger: receives the frame trace (debug) and link events (info, warning).
    public init(
        transport: any SerialTransport, configuration: LinkConfiguration = LinkConfiguration(),
        backoff: ReconnectBackoff = ReconnectBackoff(), logger: Logger
    ) {
        self.transport = transport
        self.configuration = configuration
        self.backoff = backoff
        self.logger = logger
        (events, continuation) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
    }

    deinit {
        stop()
    }

    /// Starts the link thread. Calling it twice has no effect.
    public func start() {
        let alreadyRunning = shared.withLock { state in
            defer { state.running = true }
            return state.running
        }
        guard !alreadyRunning else { return }
        let box = Unmanaged.passRetained(self)
        var thread = pthread_t()
        let result = pthread_create(
            &thread, nil,
            { argument in
                let link = Unmanaged<SerialLink>.fromOpaque(argument!).takeRetainedValue()
                link.run()
                return nil
            }, box.toOpaque())
        precondition(result == 0, "cannot start the link thread: \(result)")
        threadHandle.withLock { $0 = thread }
    }

    /// Stops the link thread, closes the device and finishes ``events``. Waits for the thread.
    public func stop() {
        let wasRunning = shared.withLock { state in
            state.stopping = true
            return state.running
        }
        wakePipe.wake()
        if wasRunning,
            let thread = threadHandle.withLock({ handle in
                defer { handle = nil }; return handle
            })
        {
            if pthread_equal(thread, pthread_self()) == 0 { pthread_join(thread, nil) }
        }
        continuation.finish()
    }

    /// Queues a message for the register and returns the token its delivery is reported with.
    /// - Parameter droppable: drop it instead of queueing when another frame is still unacknowledged
    ///   (for PROGRESS, which is useless late and must not pile up behind a silent register).
    @discardableResult
    public func send(_ message: RegisterMessage, droppable: Bool = false) -> UInt64 {
        send(type: message.type.rawValue, payload: message.payload, droppable: droppable)
    }

    /// Queues a raw frame type and payload; see ``send(_:droppable:)``.
    @discardableResult
    public func send(type: UInt8, payload: [UInt8], droppable: Bool = false) -> UInt64 {
        let token = shared.withLock { state in
            let token = state.nextToken
            state.nextToken += 1
            state.outbox.append(Outgoing(token: token, type: type, payload: payload, droppable: droppable))
            return token
        }
        wakePipe.wake()
        return token
    }

    // MARK: - The link thread

    private func run() {
        // A random first sequence number, so a restarted registerd is never taken for a duplicate.
        var machine = LinkStateMachine(configuration: configuration, firstSequence: .random(in: 1...255))
        var backoff = self.backoff
        let origin = ContinuousClock.now
        while !isStopping {
            guard openDevice(&backoff, machine: &machine) else { continue }
            serveUntilHangUp(&machine, origin: origin)
        }
        transport.close()
        for output in machine.reset() { perform(output, origin: origin) }
        continuation.finish()
    }

    private var isStopping: Bool { shared.withLock { $0.stopping } }

    private func openDevice(_ backoff: inout ReconnectBackoff, machine: inout LinkStateMachine) -> Bool {
        do {
            try transport.open()
            backoff.reset()
            // Nothing queued while the device was away is sent: the register asks with STATUS REQUEST.
            failQueued(reason: .linkReset)
            logger.info("link open on \(transport.path)")
            continuation.yield(.opened(path: transport.path))
            return true
        } catch {
            let delay = backoff.nextDelay()
            logger.warning("\(error); retrying in \(delay)")
            continuation.yield(.openFailed(reason: error.description, retryIn: delay))
            failQueued(reason: .linkReset)
            sleepInterruptibly(delay)
            return false
        }
    }

    private func serveUntilHangUp(_ machine: inout LinkStateMachine, origin: ContinuousClock.Instant) {
        guard let fd = transport.fileDescriptor else { return }
        while !isStopping {
            let now = ContinuousClock.now
            var timeout: Int32 = 1000
            if let deadline = machine.nextDeadline {
                let remaining = deadline - now
                timeout = max(0, min(timeout, Int32(remaining.milliseconds + 1)))
            }
            var descriptors = [
                pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wakePipe.readEnd, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&descriptors, 2, timeout)
            if ready < 0 && errno != EINTR {
                hangUp(&machine, reason: "poll failed: \(FileDescriptorIO.errorText(errno))", origin: origin)
                return
            }
            let at = ContinuousClock.now
            var outputs: [LinkOutput] = []
            if descriptors[1].revents != 0 {
                wakePipe.drain()
                for item in takeOutbox() {
                    if item.droppable && machine.backlog > 0 {
                        continuation.yield(.failed(token: item.token, reason: .droppedWhileBusy))
                        continue
                    }
                    outputs += machine.send(type: item.type, payload: item.payload, token: item.token, at: at)
                }
            }
            let deviceEvents = Int32(descriptors[0].revents)
            if deviceEvents & Int32(POLLIN | POLLHUP | POLLERR | POLLNVAL) != 0 {
                do {
                    let bytes = try transport.readAvailable(maximum: 4096)
                    if !bytes.isEmpty {
                        trace("<<", bytes, at: at, origin: origin)
                        outputs += machine.receive(bytes, at: at)
                    } else if deviceEvents & Int32(POLLHUP | POLLERR | POLLNVAL) != 0 {
                        throw SerialTransportError.hangUp(reason: "the device reported a hang-up")
                    }
                } catch {
                    for output in outputs { perform(output, origin: origin) }
                    hangUp(&machine, reason: "\(error)", origin: origin)
                    return
                }
            }
            outputs += machine.tick(at: at)
            for output in outputs {
                guard perform(output, origin: origin) else {
                    hangUp(&machine, reason: "write failed", origin: origin)
                    return
                }
            }
        }
    }

    private func hangUp(_ machine: inout LinkStateMachine, reason: String, origin: ContinuousClock.Instant) {
        transport.close()
        logger.warning("link lost: \(reason)")
        for output in machine.reset() { perform(output, origin: origin) }
        continuation.yield(.closed(reason: reason))
    }

    /// Carries out one output; returns false when writing to the device failed.
    @discardableResult
    private func perform(_ output: LinkOutput, origin: ContinuousClock.Instant) -> Bool {
        switch output {
        case .write(let bytes, let what):
            trace(">>", bytes, at: .now, origin: origin, note: what)
            Self.count(what)
            do {
                try transport.write(bytes)
            } catch {
                logger.warning("write failed: \(error)")
                return false
            }
        case .deliver(let frame):
            Counter(label: Self.framesMetric, dimensions: [("event", "received")]).increment()
            continuation.yield(.received(frame))
        case .acknowledged(let token):
            continuation.yield(.delivered(token: token))
        case .failed(let token, let reason):
            logger.warning("frame given up: \(reason)")
            Counter(label: Self.framesMetric, dimensions: [("event", "given-up")]).increment()
            continuation.yield(.failed(token: token, reason: reason))
        case .notice(let notice):
            logger.debug("link: \(notice)")
        }
        return true
    }

    /// `pairpay_register_link_frames_total{event}`: frames sent (first attempts), sent again,
    /// received and handed to the application, NAKs sent, frames given up after the retries.
    static let framesMetric = "pairpay_register_link_frames_total"

    private static func count(_ written: LinkTrace?) {
        let event: String
        switch written {
        case .data(_, let attempt): event = attempt > 1 ? "sent-again" : "sent"
        case .nak: event = "nak-sent"
        case .ack, nil: return
        }
        Counter(label: framesMetric, dimensions: [("event", event)]).increment()
    }

    private func takeOutbox() -> [Outgoing] {
        shared.withLock { state in
            defer { state.outbox.removeAll() }
            return state.outbox
        }
    }

    private func failQueued(reason: LinkFailure) {
        for item in takeOutbox() { continuation.yield(.failed(token: item.token, reason: reason)) }
    }

    /// Sleeps for the back-off delay; only ``stop()`` cuts it short (sends made meanwhile wait).
    private func sleepInterruptibly(_ delay: Duration) {
        let deadline = ContinuousClock.now + delay
        while !isStopping {
            let remaining = deadline - .now
            guard remaining > .zero else { return }
            var descriptor = pollfd(fd: wakePipe.readEnd, events: Int16(POLLIN), revents: 0)
            if poll(&descriptor, 1, Int32(remaining.milliseconds + 1)) > 0 { wakePipe.drain() }
        }
    }

    private func trace(
        _ direction: String, _ bytes: [UInt8], at instant: ContinuousClock.Instant,
        origin: ContinuousClock.Instant,
        note: LinkTrace? = nil
    ) {
        guard logger.logLevel <= .debug else { return }
        let elapsed = (instant - origin).milliseconds
        let hex = bytes.map { byte in
            let digits = String(byte, radix: 16, uppercase: true)
            return digits.count == 1 ? "0" + digits : digits
        }.joined(separator: " ")
        let label = note.map { " \(Self.describe($0))" } ?? ""
        logger.debug("\(direction) t=\(elapsed)ms\(label) \(hex)")
    }

    private static func describe(_ trace: LinkTrace) -> String {
        switch trace {
        case .ack(let sequence): return "ACK seq=\(sequence)"
        case .nak: return "NAK"
        case .data(let frame, let attempt):
            let name = MessageType(rawValue: frame.type)?.name ?? "type 0x\(String(frame.type, radix: 16))"
            return "\(name) seq=\(frame.sequence)" + (attempt > 1 ? " attempt=\(attempt)" : "")
        }
    }
}

extension Duration {
    /// The duration in whole milliseconds, rounded down.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
