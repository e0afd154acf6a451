/// The link layer of one side of the line, without I/O (`hw/PROTOCOL.md` §4).
///
/// A driver feeds it received bytes, data frames to send and the passing of time, and carries out
/// the ``LinkOutput``s it returns: writing bytes, handing frames to the application. It implements
/// stop-and-wait with one outstanding data frame per direction, ACK/NAK, bounded retransmission
/// and duplicate suppression. It never reads a clock: every call says what time it is.
public struct LinkStateMachine: Sendable {
    private struct Outstanding: Sendable {
        var token: UInt64
        var frame: Frame
        var wire: [UInt8]
        var transmissions: Int
        var deadline: ContinuousClock.Instant
    }

    private struct Pending: Sendable {
        var token: UInt64
        var type: UInt8
        var payload: [UInt8]
    }

    private struct LastAccepted: Sendable {
        var sequence: UInt8
        var checksum: UInt16
        var receivedAt: ContinuousClock.Instant
    }

    public let configuration: LinkConfiguration
    private var decoder: FrameDecoder
    private var outstanding: Outstanding?
    private var queue: [Pending] = []
    private var nextSequence: UInt8 = 1
    private var lastAccepted: LastAccepted?

    /// - Parameters:
    ///   - configuration: the link timers.
    ///   - firstSequence: the sequence number of the first data frame (1–255; 0 is taken as 1).
    ///     Drivers pass a random one after start-up (`hw/PROTOCOL.md` §4).
    public init(configuration: LinkConfiguration = LinkConfiguration(), firstSequence: UInt8 = 1) {
        self.configuration = configuration
        self.nextSequence = firstSequence == 0 ? 1 : firstSequence
        self.decoder = FrameDecoder(
            interByteTimeout: configuration.interByteTimeout,
            maximumPayloadSize: configuration.maximumPayloadSize)
    }

    /// The earliest instant at which ``tick(at:)`` has something to do, if any.
    public var nextDeadline: ContinuousClock.Instant? {
        [outstanding?.deadline, decoder.partialFrameDeadline].compactMap { $0 }.min()
    }

    /// How many data frames wait to be sent, including the outstanding one.
    public var backlog: Int { queue.count + (outstanding == nil ? 0 : 1) }

    /// Queues a data frame; it is written at once if nothing is outstanding.
    /// - Parameter token: the caller's id for this frame, reported back when it is acknowledged or fails.
    public mutating func send(
        type: UInt8, payload: [UInt8], token: UInt64, at now: ContinuousClock.Instant
    ) -> [LinkOutput] {
        guard payload.count <= configuration.maximumPayloadSize else {
            return [.failed(token: token, reason: .payloadTooLarge(payload.count))]
        }
        queue.append(Pending(token: token, type: type, payload: payload))
        return transmitNextIfIdle(at: now)
    }

    /// Feeds bytes read from the line at `now`.
    public mutating func receive(
        _ bytes: some Sequence<UInt8>, at now: ContinuousClock.Instant
    ) -> [LinkOutput] {
        var outputs: [LinkOutput] = []
        for event in decoder.feed(bytes, at: now) {
            handle(event, at: now, into: &outputs)
        }
        return outputs
    }

    /// Lets time pass: retransmits or gives up an unacknowledged frame, drops an expired partial frame.
    public mutating func tick(at now: ContinuousClock.Instant) -> [LinkOutput] {
        var outputs: [LinkOutput] = []
        if let event = decoder.expire(at: now) { handle(event, at: now, into: &outputs) }
        if let pending = outstanding, now >= pending.deadline {
            outputs += retransmitOrGiveUp(at: now)
        }
        return outputs
    }

    /// Forgets everything of the current connection (after a hang-up): the partial frame, the
    /// duplicate memory, the outstanding and queued frames, which are reported as failed.
    public mutating func reset() -> [LinkOutput] {
        decoder.reset()
        lastAccepted = nil
        var outputs: [LinkOutput] = []
        if let pending = outstanding { outputs.append(.failed(token: pending.token, reason: .linkReset)) }
        outputs += queue.map { .failed(token: $0.token, reason: .linkReset) }
        outstanding = nil
        queue.removeAll()
        return outputs
    }

    private mutating func handle(
        _ event: FrameDecoder.Event, at now: ContinuousClock.Instant, into outputs: inout [LinkOutput]
    ) {
        switch event {
        case .dropped(let reason):
            outputs.append(.notice(.droppedPartialFrame(reason)))
        case .damaged(let reason):
            outputs.append(.notice(.damagedFrame(reason)))
            outputs.append(.write(FrameEncoder.encode(.nak), .nak))
        case .frame(let frame):
            handle(frame, at: now, into: &outputs)
        }
    }

    private mutating func handle(
        _ frame: Frame, at now: ContinuousClock.Instant, into outputs: inout [LinkOutput]
    ) {
        switch frame.type {
        case MessageType.ack.rawValue:
            guard let pending = outstanding, pending.frame.sequence == frame.sequence else {
                outputs.append(.notice(.staleAck(sequence: frame.sequence)))
                return
            }
            outstanding = nil
            outputs.append(.acknowledged(token: pending.token))
            outputs += transmitNextIfIdle(at: now)
        case MessageType.nak.rawValue:
            outputs.append(.notice(.nakReceived))
            if outstanding != nil { outputs += retransmitOrGiveUp(at: now) }
        default:
            outputs.append(.write(FrameEncoder.encode(.ack(frame.sequence)), .ack(frame.sequence)))
            let checksum = frame.checksum
            if let last = lastAccepted, last.sequence == frame.sequence, last.checksum == checksum,
                now - last.receivedAt <= configuration.duplicateWindow
            {
                lastAccepted?.receivedAt = now
                outputs.append(.notice(.duplicateFrame(sequence: frame.sequence)))
                return
            }
            lastAccepted = LastAccepted(sequence: frame.sequence, checksum: checksum, receivedAt: now)
            outputs.append(.deliver(frame))
        }
    }

    private mutating func transmitNextIfIdle(at now: ContinuousClock.Instant) -> [LinkOutput] {
        guard outstanding == nil, !queue.isEmpty else { return [] }
        let next = queue.removeFirst()
        let frame = Frame(sequence: nextSequence, type: next.type, payload: next.payload)
        nextSequence = nextSequence == 0xFF ? 1 : nextSequence + 1
        let wire = FrameEncoder.encode(frame)
        outstanding = Outstanding(
            token: next.token, frame: frame, wire: wire, transmissions: 1,
            deadline: now + configuration.ackTimeout)
        return [.write(wire, .data(frame, attempt: 1))]
    }

    private mutating func retransmitOrGiveUp(at now: ContinuousClock.Instant) -> [LinkOutput] {
        guard var pending = outstanding else { return [] }
        guard pending.transmissions <= configuration.maximumRetransmissions else {
            outstanding = nil
            return [
                .failed(
                    token: pending.token, reason: .noAcknowledgement(transmissions: pending.transmissions))
            ]
                + transmitNextIfIdle(at: now)
        }
        pending.transmissions += 1
        pending.deadline = now + configuration.ackTimeout
        outstanding = pending
        return [
            .notice(.retransmission(sequence: pending.frame.sequence, attempt: pending.transmissions)),
            .write(pending.wire, .data(pending.frame, attempt: pending.transmissions)),
        ]
    }
}
