/// A byte-by-byte frame parser that finds frames in a noisy stream (`hw/PROTOCOL.md` §2.1).
///
/// Feed it bytes as they arrive with the instant they arrived. It hunts for `DLE STX`, unstuffs,
/// enforces the inter-byte timer and the maximum size, checks the CRC and reports one
/// ``FrameDecoder/Event`` per frame attempt. It never throws and never grows beyond the maximum
/// frame size, whatever it is fed.
public struct FrameDecoder: Sendable {
    /// What became of one frame attempt.
    public enum Event: Equatable, Sendable {
        /// A frame with a good checksum.
        case frame(Frame)
        /// A damaged frame that the sender should repeat: answer with NAK.
        case damaged(DamageReason)
        /// A partial or too-short frame that is dropped without a reply.
        case dropped(DropReason)
    }

    /// Why a frame was damaged (answered with NAK).
    public enum DamageReason: Equatable, Sendable {
        case badChecksum(expected: UInt16, received: UInt16)
        case framingError(byteAfterDLE: UInt8)
        case oversize
    }

    /// Why a partial frame was dropped silently.
    public enum DropReason: Equatable, Sendable {
        case interByteTimeout
        case restartedByNewFrame
        case tooShort
    }

    private enum State: Sendable {
        case hunting
        case huntingAfterDLE
        case inFrame
        case inFrameAfterDLE
    }

    private var state = State.hunting
    private var body: [UInt8] = []
    private var lastByteAt: ContinuousClock.Instant?
    private let interByteTimeout: Duration
    private let maximumBodySize: Int
    /// Bytes skipped while hunting for a frame start, since the decoder was made.
    public private(set) var garbageByteCount = 0

    /// - Parameters:
    ///   - interByteTimeout: the longest gap between two bytes of one frame (`T_byte`).
    ///   - maximumPayloadSize: frames with a larger payload are reported as oversize.
    public init(
        interByteTimeout: Duration = .milliseconds(200), maximumPayloadSize: Int = Frame.maximumPayloadSize
    ) {
        self.interByteTimeout = interByteTimeout
        self.maximumBodySize = maximumPayloadSize + 4
    }

    /// Whether a frame is partly received.
    public var isInsideFrame: Bool { state == .inFrame || state == .inFrameAfterDLE }

    /// When the partial frame expires if no further byte arrives, if one is in progress.
    public var partialFrameDeadline: ContinuousClock.Instant? {
        guard isInsideFrame, let lastByteAt else { return nil }
        return lastByteAt + interByteTimeout
    }

    /// Feeds bytes that arrived at `now` and returns what they completed, in order.
    public mutating func feed(_ bytes: some Sequence<UInt8>, at now: ContinuousClock.Instant) -> [Event] {
        var events: [Event] = []
        for byte in bytes {
            if let event = feed(byte, at: now, expiredEvents: &events) { events.append(event) }
        }
        return events
    }

    /// Drops a partial frame whose inter-byte timer has run out by `now`.
    public mutating func expire(at now: ContinuousClock.Instant) -> Event? {
        guard let deadline = partialFrameDeadline, now > deadline else { return nil }
        reset()
        return .dropped(.interByteTimeout)
    }

    /// Forgets any partial frame (after a reconnect).
    public mutating func reset() {
        state = .hunting
        body.removeAll(keepingCapacity: true)
        lastByteAt = nil
    }

    private mutating func feed(
        _ byte: UInt8, at now: ContinuousClock.Instant, expiredEvents: inout [Event]
    ) -> Event? {
        if let expired = expire(at: now) { expiredEvents.append(expired) }
        lastByteAt = now
        switch state {
        case .hunting:
            if byte == ControlByte.dle { state = .huntingAfterDLE } else { garbageByteCount += 1 }
            return nil
        case .huntingAfterDLE:
            if byte == ControlByte.stx {
                startFrame()
            } else if byte == ControlByte.dle {
                garbageByteCount += 1
            } else {
                garbageByteCount += 2
                state = .hunting
            }
            return nil
        case .inFrame:
            if byte == ControlByte.dle {
                state = .inFrameAfterDLE
                return nil
            }
            return append(byte)
        case .inFrameAfterDLE:
            switch byte {
            case ControlByte.dle:
                state = .inFrame
                return append(byte)
            case ControlByte.etx:
                return finishFrame()
            case ControlByte.stx:
                startFrame()
                return .dropped(.restartedByNewFrame)
            default:
                reset()
                return .damaged(.framingError(byteAfterDLE: byte))
            }
        }
    }

    private mutating func startFrame() {
        state = .inFrame
        body.removeAll(keepingCapacity: true)
    }

    private mutating func append(_ byte: UInt8) -> Event? {
        guard body.count < maximumBodySize else {
            reset()
            return .damaged(.oversize)
        }
        body.append(byte)
        return nil
    }

    private mutating func finishFrame() -> Event {
        defer { reset() }
        guard body.count >= 4 else { return .dropped(.tooShort) }
        let frame = Frame(sequence: body[0], type: body[1], payload: Array(body[2..<(body.count - 2)]))
        let received = UInt16(body[body.count - 2]) << 8 | UInt16(body[body.count - 1])
        let expected = frame.checksum
        guard received == expected else {
            return .damaged(.badChecksum(expected: expected, received: received))
        }
        return .frame(frame)
    }
}
