import LogCapture
import Logging
import RegisterLink
import RegisterLinkTestSupport
import RegisterProtocol
import Testing

/// The link driver on a real pseudo-terminal against a fake register, with line faults.
@Suite(.serialized) struct SerialLinkTests {
    let register: FakeRegister
    let link: SerialLink
    let recorder: LinkEventRecorder
    let logLines = CapturedLog()

    init() async throws {
        register = try FakeRegister()
        link = SerialLink(
            transport: TermiosTransport(path: register.devicePath),
            // A generous T_ack: the tests that withhold ACKs need the unacknowledged frame to stay
            // outstanding while a loaded 2-core machine gets round to the test's next step.
            configuration: LinkConfiguration(ackTimeout: .seconds(2)),
            backoff: ReconnectBackoff(initial: .milliseconds(20), maximum: .milliseconds(200)),
            logger: logLines.logger())
        recorder = LinkEventRecorder(link)
        link.start()
        try await recorder.wait(for: "link open") { if case .opened = $0 { true } else { false } }
    }

    func received(_ message: RegisterMessage) -> (SerialLinkEvent) -> Bool {
        { event in
            guard case .received(let frame) = event else { return false }
            return (try? RegisterMessage(frame: frame)) == message
        }
    }

    let status = RegisterMessage.statusRequest(StatusRequest())
    let abort = RegisterMessage.abort(Abort(receipt: "R-7"))

    @Test func framesFlowBothWaysWithMatchingAcks() async throws {
        let sent = try await register.send(abort)
        try await recorder.wait(for: "ABORT", received(abort))
        #expect(register.receivedAcks.last == sent.sequence)

        let reply = RegisterMessage.busy(Busy(receipt: "R-7", message: "busy"))
        let token = link.send(reply)
        #expect(try await register.nextReply() == reply)
        try await recorder.wait(for: "delivered") { $0 == .delivered(token: token) }
        link.stop()
    }

    @Test func aFrameSplitIntoSingleBytesIsAccepted() async throws {
        let frame = register.frame(abort)
        // Every byte is a write of its own; the gaps stay far below T_byte even on a loaded machine.
        await register.sendSplit(FrameEncoder.encode(frame), gap: .milliseconds(2))
        try await recorder.wait(for: "split ABORT", received(abort))
        await register.listen(for: .milliseconds(50))
        #expect(register.receivedAcks.contains(frame.sequence))
        link.stop()
    }

    @Test func aGapLongerThanTheInterByteTimerDropsThePartialFrameAndARetransmissionWorks() async throws {
        let frame = register.frame(abort)
        let wire = FrameEncoder.encode(frame)
        register.sendRaw(Array(wire.prefix(8)))
        try await Task.sleep(for: .milliseconds(350))  // T_byte is 200 ms
        register.sendRaw(Array(wire.dropFirst(8)))
        await register.listen(for: .milliseconds(300))
        #expect(register.receivedAcks.isEmpty)
        #expect(recorder.receivedFrames.isEmpty)
        try await register.send(frame: frame)
        try await recorder.wait(for: "ABORT after retransmission", received(abort))
        #expect(recorder.receivedFrames.count == 1)
        link.stop()
    }

    @Test func aBadChecksumIsNakkedAndTheResendAccepted() async throws {
        let frame = register.frame(abort)
        var damaged = FrameEncoder.encode(frame)
        damaged[damaged.count - 3] ^= 0xFF
        register.sendRaw(damaged)
        await register.listen(for: .milliseconds(200))
        #expect(register.receivedNaks == 1)
        #expect(recorder.receivedFrames.isEmpty)
        try await register.send(frame: frame)
        try await recorder.wait(for: "ABORT", received(abort))
        link.stop()
    }

    @Test func leadingGarbageIsSkipped() async throws {
        register.sendRaw([0xFF, 0x00, 0x10, 0x41, 0x10, 0x10, 0x03, 0x55])
        try await Task.sleep(for: .milliseconds(250))  // let the inter-byte timer flush any false start
        try await register.send(abort)
        try await recorder.wait(for: "ABORT after garbage", received(abort))
        link.stop()
    }

    @Test func aDuplicatedFrameIsAckedTwiceAndDeliveredOnce() async throws {
        let frame = register.frame(status)
        register.sendRaw(FrameEncoder.encode(frame) + FrameEncoder.encode(frame))
        try await recorder.wait(for: "STATUS REQUEST", received(status))
        await register.listen(for: .milliseconds(300))
        #expect(register.receivedAcks.filter { $0 == frame.sequence }.count == 2)
        #expect(recorder.receivedFrames.count == 1)
        link.stop()
    }

    @Test func aLostAckMakesTheLinkRetransmitAndThenGiveUp() async throws {
        register.acknowledges = false
        let token = link.send(.busy(Busy(receipt: "R-1")))
        try await recorder.wait(for: "give-up", within: .seconds(20)) {
            $0 == .failed(token: token, reason: .noAcknowledgement(transmissions: 4))
        }
        await register.pump()
        #expect(register.receivedFrames.count == 4)
        #expect(Set(register.receivedFrames.map(\.sequence)).count == 1)
        #expect(register.receivedMessages.count == 1)
        link.stop()
    }

    @Test func aLostAckIsRecoveredByTheRetransmission() async throws {
        register.acknowledges = false
        let token = link.send(.busy(Busy(receipt: "R-2")))
        // Leave the first transmission unanswered, however late a loaded machine delivers it…
        let deadline = ContinuousClock.now + .seconds(20)
        while register.receivedFrames.isEmpty, ContinuousClock.now < deadline {
            await register.pump()
            try await Task.sleep(for: .milliseconds(2))
        }
        #expect(!register.receivedFrames.isEmpty)
        // …then answer, reading the line until the link reports the delivery.
        register.acknowledges = true
        while !recorder.all.contains(.delivered(token: token)), ContinuousClock.now < deadline {
            await register.pump()
            try await Task.sleep(for: .milliseconds(2))
        }
        try await recorder.wait(for: "delivered after retransmission") { $0 == .delivered(token: token) }
        #expect(register.receivedFrames.count >= 2)
        #expect(Set(register.receivedFrames.map(\.sequence)).count == 1)
        #expect(register.receivedMessages.count == 1)
        link.stop()
    }

    @Test func hangUpIsDetectedAndTheReplugedDeviceReopened() async throws {
        register.unplug()
        try await recorder.wait(for: "closed") { if case .closed = $0 { true } else { false } }
        let closedAt = recorder.all.count
        try await Task.sleep(for: .milliseconds(100))
        try register.replug()
        try await recorder.wait(for: "reopened", after: closedAt) {
            if case .opened = $0 { true } else { false }
        }
        try await register.send(abort)
        try await recorder.wait(for: "ABORT after replug", received(abort))
        link.stop()
    }

    @Test func framesQueuedDuringAnOutageAreNotSentAfterIt() async throws {
        register.unplug()
        try await recorder.wait(for: "closed") { if case .closed = $0 { true } else { false } }
        let token = link.send(.busy(Busy(receipt: "stale")))
        try await recorder.wait(for: "stale frame failed") { $0 == .failed(token: token, reason: .linkReset) }
        try register.replug()
        try await recorder.wait(for: "reopened") { if case .opened = $0 { true } else { false } }
        await register.listen(for: .milliseconds(200))
        #expect(register.receivedMessages.isEmpty)
        link.stop()
    }

    @Test func theFrameTraceShowsDirectionTimeAndHex() async throws {
        try await register.send(status)
        try await recorder.wait(for: "STATUS REQUEST", received(status))
        link.stop()
        let trace = logLines.lines.filter { $0.hasPrefix("debug <<") || $0.hasPrefix("debug >>") }
        #expect(trace.contains { $0.contains("<< t=") && $0.contains("10 02 01 30") })
        #expect(
            trace.contains { $0.contains(">> t=") && $0.contains("ACK seq=1") && $0.contains("10 02 01 06") })
    }

    @Test func progressDroppedWhileAFrameIsUnacknowledged() async throws {
        register.acknowledges = false
        let first = link.send(.busy(Busy(receipt: "R-3")))
        // The first frame is on the line and unacknowledged before the PROGRESS is offered.
        let deadline = ContinuousClock.now + .seconds(20)
        while register.receivedFrames.isEmpty, ContinuousClock.now < deadline {
            await register.pump()
            try await Task.sleep(for: .milliseconds(2))
        }
        let droppable = link.send(.progress(Progress(receipt: "R-3", stage: .authorizing)), droppable: true)
        try await recorder.wait(for: "progress dropped") {
            $0 == .failed(token: droppable, reason: .droppedWhileBusy)
        }
        register.acknowledges = true
        while !recorder.all.contains(.delivered(token: first)), ContinuousClock.now < deadline {
            await register.pump()
            try await Task.sleep(for: .milliseconds(2))
        }
        try await recorder.wait(for: "first delivered") { $0 == .delivered(token: first) }
        link.stop()
    }
}
