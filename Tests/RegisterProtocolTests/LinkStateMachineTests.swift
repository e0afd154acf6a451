import RegisterProtocol
import Testing

@Suite struct LinkStateMachineTests {
    let t0 = ContinuousClock.now
    let configuration = LinkConfiguration(ackTimeout: .milliseconds(500), maximumRetransmissions: 3)

    func writes(_ outputs: [LinkOutput]) -> [LinkTrace] {
        outputs.compactMap { if case .write(_, let trace) = $0 { trace } else { nil } }
    }

    func dataFrame(_ outputs: [LinkOutput]) -> Frame? {
        for output in outputs {
            if case .write(_, .data(let frame, _)) = output { return frame }
        }
        return nil
    }

    @Test func aDataFrameIsAckedBeforeItIsDelivered() {
        var machine = LinkStateMachine(configuration: configuration)
        let frame = Frame(sequence: 7, type: MessageType.statusRequest.rawValue)
        let outputs = machine.receive(FrameEncoder.encode(frame), at: t0)
        #expect(outputs == [.write(FrameEncoder.encode(.ack(7)), .ack(7)), .deliver(frame)])
    }

    @Test func aDamagedFrameIsNakked() {
        var machine = LinkStateMachine(configuration: configuration)
        var wire = FrameEncoder.encode(Frame(sequence: 1, type: 0x30))
        wire[3] ^= 0x01
        let outputs = machine.receive(wire, at: t0)
        #expect(writes(outputs) == [.nak])
        #expect(!outputs.contains { if case .deliver = $0 { true } else { false } })
    }

    @Test func sequenceNumbersCountFromOneAndSkipZero() {
        var machine = LinkStateMachine(configuration: configuration)
        var sequences: [UInt8] = []
        for token in 1...300 {
            let frame = dataFrame(machine.send(type: 0x22, payload: [], token: UInt64(token), at: t0))!
            sequences.append(frame.sequence)
            _ = machine.receive(FrameEncoder.encode(.ack(frame.sequence)), at: t0)
        }
        #expect(sequences.prefix(3) == [1, 2, 3])
        #expect(!sequences.contains(0))
        #expect(sequences[254] == 255 && sequences[255] == 1)
    }

    @Test func theFirstSequenceNumberIsChosenByTheDriver() {
        var machine = LinkStateMachine(configuration: configuration, firstSequence: 200)
        #expect(dataFrame(machine.send(type: 0x22, payload: [], token: 1, at: t0))?.sequence == 200)
        var zero = LinkStateMachine(configuration: configuration, firstSequence: 0)
        #expect(dataFrame(zero.send(type: 0x22, payload: [], token: 1, at: t0))?.sequence == 1)
    }

    @Test func stopAndWaitQueuesBehindTheOutstandingFrame() {
        var machine = LinkStateMachine(configuration: configuration)
        let first = machine.send(type: 0x21, payload: [1], token: 1, at: t0)
        let second = machine.send(type: 0x22, payload: [2], token: 2, at: t0)
        #expect(dataFrame(first)?.sequence == 1)
        #expect(second.isEmpty)
        #expect(machine.backlog == 2)
        let afterAck = machine.receive(FrameEncoder.encode(.ack(1)), at: t0)
        #expect(afterAck.first == .acknowledged(token: 1))
        #expect(dataFrame(afterAck) == Frame(sequence: 2, type: 0x22, payload: [2]))
    }

    @Test func retransmitsOnTimeoutThenGivesUp() {
        var machine = LinkStateMachine(configuration: configuration)
        let sent = machine.send(type: 0x23, payload: [9], token: 42, at: t0)
        let wire = sent.compactMap { if case .write(let bytes, _) = $0 { bytes } else { nil } }.first!
        #expect(machine.nextDeadline == t0 + .milliseconds(500))
        #expect(machine.tick(at: t0 + .milliseconds(499)).isEmpty)
        var now = t0
        for attempt in 2...4 {
            now += .milliseconds(500)
            let outputs = machine.tick(at: now)
            #expect(
                outputs.contains(
                    .write(wire, .data(Frame(sequence: 1, type: 0x23, payload: [9]), attempt: attempt))))
        }
        now += .milliseconds(500)
        #expect(machine.tick(at: now) == [.failed(token: 42, reason: .noAcknowledgement(transmissions: 4))])
        #expect(machine.backlog == 0)
        #expect(machine.nextDeadline == nil)
    }

    @Test func nakRetransmitsAtOnceAndCountsAsAnAttempt() {
        var machine = LinkStateMachine(configuration: LinkConfiguration(maximumRetransmissions: 1))
        _ = machine.send(type: 0x23, payload: [], token: 5, at: t0)
        let first = machine.receive(FrameEncoder.encode(.nak), at: t0 + .milliseconds(10))
        #expect(writes(first) == [.data(Frame(sequence: 1, type: 0x23), attempt: 2)])
        let second = machine.receive(FrameEncoder.encode(.nak), at: t0 + .milliseconds(20))
        #expect(second.contains(.failed(token: 5, reason: .noAcknowledgement(transmissions: 2))))
    }

    @Test func aNakWithNothingOutstandingIsIgnored() {
        var machine = LinkStateMachine(configuration: configuration)
        #expect(writes(machine.receive(FrameEncoder.encode(.nak), at: t0)).isEmpty)
    }

    @Test func aStaleAckIsIgnored() {
        var machine = LinkStateMachine(configuration: configuration)
        _ = machine.send(type: 0x23, payload: [], token: 1, at: t0)
        let outputs = machine.receive(FrameEncoder.encode(.ack(9)), at: t0)
        #expect(outputs == [.notice(.staleAck(sequence: 9))])
        #expect(machine.backlog == 1)
    }

    @Test func aRetransmittedFrameIsAckedAgainButDeliveredOnce() {
        var machine = LinkStateMachine(configuration: configuration)
        let frame = Frame(sequence: 3, type: MessageType.sale.rawValue, payload: [1, 2, 3])
        let wire = FrameEncoder.encode(frame)
        let first = machine.receive(wire, at: t0)
        let again = machine.receive(wire, at: t0 + .milliseconds(500))
        #expect(first.contains(.deliver(frame)))
        #expect(writes(again) == [.ack(3)])
        #expect(again.contains(.notice(.duplicateFrame(sequence: 3))))
        #expect(!again.contains(.deliver(frame)))
    }

    @Test func sameSequenceWithOtherContentIsANewFrame() {
        var machine = LinkStateMachine(configuration: configuration)
        let a = Frame(sequence: 3, type: 0x30)
        let b = Frame(sequence: 3, type: 0x50, payload: [0x51, 0, 1, 0])
        _ = machine.receive(FrameEncoder.encode(a), at: t0)
        #expect(machine.receive(FrameEncoder.encode(b), at: t0).contains(.deliver(b)))
    }

    @Test func theDuplicateWindowEnds() {
        var machine = LinkStateMachine(configuration: configuration)
        let frame = Frame(sequence: 1, type: MessageType.hello.rawValue, payload: [0x01, 0, 1, 1])
        _ = machine.receive(FrameEncoder.encode(frame), at: t0)
        let later = t0 + configuration.duplicateWindow + .milliseconds(1)
        #expect(machine.receive(FrameEncoder.encode(frame), at: later).contains(.deliver(frame)))
    }

    @Test func resetFailsEverythingPendingAndForgetsDuplicates() {
        var machine = LinkStateMachine(configuration: configuration)
        _ = machine.send(type: 0x21, payload: [], token: 1, at: t0)
        _ = machine.send(type: 0x22, payload: [], token: 2, at: t0)
        let frame = Frame(sequence: 4, type: 0x30)
        _ = machine.receive(FrameEncoder.encode(frame), at: t0)
        #expect(
            machine.reset() == [.failed(token: 1, reason: .linkReset), .failed(token: 2, reason: .linkReset)])
        #expect(machine.receive(FrameEncoder.encode(frame), at: t0).contains(.deliver(frame)))
    }

    @Test func oversizePayloadIsRefusedWithoutSending() {
        var machine = LinkStateMachine(configuration: LinkConfiguration(maximumPayloadSize: 64))
        #expect(
            machine.send(type: 0x21, payload: Array(repeating: 0, count: 65), token: 1, at: t0) == [
                .failed(token: 1, reason: .payloadTooLarge(65))
            ])
    }

    @Test func fullDuplexAcksInterleaveWithData() {
        var machine = LinkStateMachine(configuration: configuration)
        _ = machine.send(type: 0x22, payload: [], token: 1, at: t0)
        let incoming = Frame(sequence: 9, type: MessageType.abort.rawValue, payload: [0x10, 0, 1, 0x41])
        let outputs = machine.receive(FrameEncoder.encode(incoming) + FrameEncoder.encode(.ack(1)), at: t0)
        #expect(outputs.contains(.deliver(incoming)))
        #expect(outputs.contains(.acknowledged(token: 1)))
    }

    @Test func configurationValidation() {
        #expect(throws: LinkConfigurationError.ackTimeoutNotAboveInterByteTimeout) {
            try LinkConfiguration(interByteTimeout: .milliseconds(500), ackTimeout: .milliseconds(500))
                .validate()
        }
        #expect(throws: LinkConfigurationError.retransmissionsOutOfRange) {
            try LinkConfiguration(maximumRetransmissions: 11).validate()
        }
        #expect(throws: LinkConfigurationError.interByteTimeoutTooShort) {
            try LinkConfiguration(interByteTimeout: .milliseconds(5)).validate()
        }
        #expect(throws: Never.self) { try LinkConfiguration().validate() }
        #expect(LinkConfiguration().duplicateWindow == .milliseconds(3000))
    }
}
