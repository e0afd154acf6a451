import RegisterProtocol

#if canImport(Glibc)
import Glibc
#endif

/// A cash register for tests, on the controller side of a real pseudo-terminal.
///
/// The code under test opens ``devicePath`` (a symbolic link to the pty, like a udev link to a
/// USB adapter), so ``replug()`` can swap in a new pty the way a replugged adapter appears again.
/// The register ACKs every data frame it receives (unless told not to) and records everything,
/// and it can damage the line on purpose: split frames, gaps, bad checksums, garbage,
/// duplicates, withheld ACKs, hang-ups.
public final class FakeRegister: @unchecked Sendable {
    /// The path the code under test opens: a link to the current pty's device side.
    public let devicePath: String
    private let directory: String
    public private(set) var terminal: PseudoTerminal
    private var decoder = FrameDecoder()
    private var nextSequence: UInt8 = 1

    /// Acknowledge received data frames (turn off to make registerd retransmit).
    public var acknowledges = true
    /// Every data frame received, in order, retransmissions included.
    public private(set) var receivedFrames: [Frame] = []
    /// Every data frame received that was new (not a retransmission of the previous one).
    public private(set) var receivedMessages: [RegisterMessage] = []
    /// Sequence numbers of the ACKs received.
    public private(set) var receivedAcks: [UInt8] = []
    /// How many NAKs were received.
    public private(set) var receivedNaks = 0
    private var consumed = 0
    private var lastAccepted: (sequence: UInt8, checksum: UInt16)?

    public init() throws {
        var template = Array("/tmp/pairpay-fake-register-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw PseudoTerminalError.openFailed("mkdtemp failed") }
        directory = String(cString: made)
        devicePath = directory + "/register"
        terminal = try PseudoTerminal()
        try link(to: terminal.devicePath)
    }

    deinit {
        terminal.close()
        unlink(devicePath)
        rmdir(directory)
    }

    private func link(to target: String) throws {
        let temporary = devicePath + ".new"
        unlink(temporary)
        guard symlink(target, temporary) == 0, rename(temporary, devicePath) == 0 else {
            throw PseudoTerminalError.openFailed("cannot link \(devicePath) to \(target)")
        }
    }

    // MARK: - Sending

    /// Takes the next sequence number.
    public func takeSequence() -> UInt8 {
        defer { nextSequence = nextSequence == 0xFF ? 1 : nextSequence + 1 }
        return nextSequence
    }

    /// The wire bytes of a message as a new data frame.
    public func frame(_ message: RegisterMessage, sequence: UInt8? = nil) -> Frame {
        Frame(sequence: sequence ?? takeSequence(), type: message.type.rawValue, payload: message.payload)
    }

    /// Writes raw bytes to the line.
    public func sendRaw(_ bytes: [UInt8]) { terminal.write(bytes) }

    /// Writes bytes one at a time with `gap` between them.
    ///
    /// The writes run on a thread of their own, so the gaps stay what they are even while other
    /// tests keep Swift's cooperative threads busy.
    public func sendSplit(_ bytes: [UInt8], gap: Duration) async {
        let done = SplitWriter(
            terminal: terminal, bytes: bytes,
            gapMicroseconds: UInt32(gap.components.attoseconds / 1_000_000_000_000))
        done.start()
        while !done.isFinished { try? await Task.sleep(for: .milliseconds(2)) }
    }

    /// Sends a message and waits for its ACK, sending it again on NAK or after `ackTimeout`
    /// (like a real register would), up to `attempts` transmissions.
    /// - Returns: the frame that was acknowledged.
    @discardableResult
    public func send(
        _ message: RegisterMessage, ackTimeout: Duration = .milliseconds(500), attempts: Int = 4
    ) async throws -> Frame {
        try await send(frame: frame(message), ackTimeout: ackTimeout, attempts: attempts)
    }

    /// Sends a prepared frame and waits for its ACK; see ``send(_:ackTimeout:attempts:)``.
    @discardableResult
    public func send(
        frame: Frame, ackTimeout: Duration = .milliseconds(500), attempts: Int = 4
    ) async throws -> Frame {
        for _ in 0..<attempts {
            let acksBefore = receivedAcks.count
            let naksBefore = receivedNaks
            sendRaw(FrameEncoder.encode(frame))
            let deadline = ContinuousClock.now + ackTimeout
            // Read the line before every decision, including after the deadline: a test process whose
            // threads were starved past the deadline must still see an ACK that arrived in time.
            while true {
                await pump()
                if receivedAcks[acksBefore...].contains(frame.sequence) { return frame }
                if receivedNaks > naksBefore || ContinuousClock.now >= deadline { break }
                try await Task.sleep(for: .milliseconds(2))
            }
        }
        throw FakeRegisterError.noAcknowledgement(sequence: frame.sequence)
    }

    // MARK: - Receiving

    /// Reads and decodes whatever registerd has written, ACKing data frames.
    public func pump() async {
        while true {
            let bytes = terminal.read(timeoutMilliseconds: 0)
            guard !bytes.isEmpty else { return }
            for event in decoder.feed(bytes, at: .now) {
                guard case .frame(let frame) = event else { continue }
                handle(frame)
            }
        }
    }

    private func handle(_ frame: Frame) {
        switch frame.type {
        case MessageType.ack.rawValue:
            receivedAcks.append(frame.sequence)
        case MessageType.nak.rawValue:
            receivedNaks += 1
        default:
            receivedFrames.append(frame)
            if acknowledges { sendRaw(FrameEncoder.encode(.ack(frame.sequence))) }
            let checksum = frame.checksum
            if let last = lastAccepted, last.sequence == frame.sequence, last.checksum == checksum { return }
            lastAccepted = (frame.sequence, checksum)
            if let message = try? RegisterMessage(frame: frame) { receivedMessages.append(message) }
        }
    }

    /// Waits for the next new message that `matches`, skipping (and keeping) others. The default
    /// wait is long on purpose: it only runs out when something is wrong, and on a loaded 2-core
    /// CI machine a healthy reply can take seconds to be scheduled.
    public func next(
        within timeout: Duration = .seconds(20), _ description: String = "message",
        where matches: (RegisterMessage) -> Bool = { _ in true }
    ) async throws -> RegisterMessage {
        let deadline = ContinuousClock.now + timeout
        while true {
            await pump()
            while consumed < receivedMessages.count {
                let message = receivedMessages[consumed]
                consumed += 1
                if matches(message) { return message }
            }
            guard ContinuousClock.now < deadline else {
                throw FakeRegisterError.timedOut(waitingFor: description)
            }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    /// Waits for the next RESULT.
    public func nextResult(within timeout: Duration = .seconds(20)) async throws -> TransactionResult {
        guard
            case .result(let result) = try await next(
                within: timeout, "RESULT", where: { if case .result = $0 { true } else { false } })
        else {
            fatalError("unreachable")
        }
        return result
    }

    /// Waits for the next message that is not PROGRESS.
    public func nextReply(within timeout: Duration = .seconds(20)) async throws -> RegisterMessage {
        try await next(within: timeout, "reply", where: { if case .progress = $0 { false } else { true } })
    }

    /// Keeps reading for `duration`, ACKing as configured.
    public func listen(for duration: Duration) async {
        let deadline = ContinuousClock.now + duration
        while ContinuousClock.now < deadline {
            await pump()
            try? await Task.sleep(for: .milliseconds(2))
        }
        // Once more after the deadline: a starved test must still see what arrived in time.
        await pump()
    }

    /// Forgets the messages not yet consumed by ``next(within:_:where:)``.
    public func skipReceived() async {
        await pump()
        consumed = receivedMessages.count
    }

    // MARK: - Line faults

    /// Unplugs the register: both sides of the pty close, registerd sees a hang-up, and the
    /// device path disappears until ``replug()``, as a udev link does when an adapter is pulled.
    /// (A dangling link would be worse than unrealistic: the kernel reuses the pty's number for
    /// the next pty opened, and a reconnecting registerd would open another test's register.)
    public func unplug() {
        unlink(devicePath)
        terminal.close()
    }

    /// Plugs the register in again on a new pty behind the same device path.
    public func replug() throws {
        terminal = try PseudoTerminal()
        decoder = FrameDecoder()
        lastAccepted = nil
        try link(to: terminal.devicePath)
    }
}

/// A wait of the fake register that did not end as expected.
public enum FakeRegisterError: Error, CustomStringConvertible {
    case noAcknowledgement(sequence: UInt8)
    case timedOut(waitingFor: String)

    public var description: String {
        switch self {
        case .noAcknowledgement(let sequence): "registerd did not ACK frame \(sequence)"
        case .timedOut(let what): "timed out waiting for \(what)"
        }
    }
}
