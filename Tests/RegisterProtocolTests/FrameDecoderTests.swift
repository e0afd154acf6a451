import PropertyBased
import RegisterProtocol
import Testing

@Suite struct FrameDecoderTests {
    let t0 = ContinuousClock.now
    let sample = Frame(sequence: 0x10, type: 0x20, payload: [0x10, 0x02, 0x10, 0x03, 0x00, 0xFF, 0x10])

    @Test func stuffingDoublesEveryDLEBetweenTheDelimiters() {
        let wire = FrameEncoder.encode(Frame(sequence: 0x10, type: 0x24, payload: [0x10]))
        #expect(Array(wire.prefix(2)) == [0x10, 0x02])
        #expect(Array(wire.suffix(2)) == [0x10, 0x03])
        #expect(Array(wire[2..<6]) == [0x10, 0x10, 0x24, 0x10])
        #expect(wire[6] == 0x10)
    }

    @Test func decodesAFrameFedWhole() {
        var decoder = FrameDecoder()
        #expect(decoder.feed(FrameEncoder.encode(sample), at: t0) == [.frame(sample)])
    }

    @Test func decodesAFrameSplitAtEveryByte() {
        var decoder = FrameDecoder()
        let wire = FrameEncoder.encode(sample)
        var events: [FrameDecoder.Event] = []
        for (index, byte) in wire.enumerated() {
            events += decoder.feed([byte], at: t0 + .milliseconds(index * 10))
        }
        #expect(events == [.frame(sample)])
    }

    @Test func decodesAfterEverySplitPoint() {
        let wire = FrameEncoder.encode(sample)
        for cut in 0...wire.count {
            var decoder = FrameDecoder()
            let events =
                decoder.feed(wire[..<cut], at: t0) + decoder.feed(wire[cut...], at: t0 + .milliseconds(50))
            #expect(events == [.frame(sample)], "split at \(cut)")
        }
    }

    @Test func skipsLeadingGarbageIncludingStrayDLEs() {
        var decoder = FrameDecoder()
        let garbage: [UInt8] = [0x00, 0x10, 0x41, 0x10, 0x10, 0x03, 0xFF, 0x10]
        let events = decoder.feed(garbage + FrameEncoder.encode(sample), at: t0)
        #expect(events == [.frame(sample)])
        #expect(decoder.garbageByteCount > 0)
    }

    @Test func aNewStartInsideAFrameResynchronises() {
        var decoder = FrameDecoder()
        let wire = FrameEncoder.encode(sample)
        let events = decoder.feed(Array(wire.prefix(5)) + wire, at: t0)
        #expect(events == [.dropped(.restartedByNewFrame), .frame(sample)])
    }

    @Test func aGapLongerThanTheInterByteTimerDropsThePartialFrame() {
        var decoder = FrameDecoder(interByteTimeout: .milliseconds(200))
        let wire = FrameEncoder.encode(sample)
        #expect(decoder.feed(wire.prefix(6), at: t0).isEmpty)
        let rest = decoder.feed(wire.dropFirst(6), at: t0 + .milliseconds(201))
        // The cut falls inside a stuffed `10 10`, so the tail starts with what looks like
        // `DLE STX`: hunting takes it as a start (and NAKs the nonsense); no frame may come out.
        #expect(rest.first == .dropped(.interByteTimeout))
        #expect(!rest.contains { if case .frame = $0 { true } else { false } })
        #expect(decoder.feed(wire, at: t0 + .milliseconds(300)) == [.frame(sample)])
    }

    @Test func aGapWithinTheInterByteTimerIsFine() {
        var decoder = FrameDecoder(interByteTimeout: .milliseconds(200))
        let wire = FrameEncoder.encode(sample)
        _ = decoder.feed(wire.prefix(6), at: t0)
        #expect(decoder.feed(wire.dropFirst(6), at: t0 + .milliseconds(199)) == [.frame(sample)])
    }

    @Test func expiryWithoutFurtherBytes() {
        var decoder = FrameDecoder(interByteTimeout: .milliseconds(200))
        _ = decoder.feed(FrameEncoder.encode(sample).prefix(4), at: t0)
        #expect(decoder.partialFrameDeadline == t0 + .milliseconds(200))
        #expect(decoder.expire(at: t0 + .milliseconds(150)) == nil)
        #expect(decoder.expire(at: t0 + .milliseconds(250)) == .dropped(.interByteTimeout))
        #expect(decoder.partialFrameDeadline == nil)
    }

    @Test func badChecksumIsDamage() {
        var decoder = FrameDecoder()
        var wire = FrameEncoder.encode(Frame(sequence: 1, type: 0x30))
        wire[wire.count - 3] ^= 0x01
        guard case .damaged(.badChecksum)? = decoder.feed(wire, at: t0).first else {
            Issue.record("expected a bad checksum")
            return
        }
    }

    @Test func flippedPayloadBitIsDamage() {
        let wire = FrameEncoder.encode(Frame(sequence: 3, type: 0x25, payload: Array("RELAYDATA".utf8)))
        for index in 2..<(wire.count - 2) where wire[index] != 0x10 && (wire[index] ^ 0x40) != 0x10 {
            var damaged = wire
            damaged[index] ^= 0x40
            var decoder = FrameDecoder()
            let events = decoder.feed(damaged, at: t0)
            #expect(!events.contains { if case .frame = $0 { true } else { false } }, "byte \(index)")
        }
    }

    @Test func unknownByteAfterDLEIsAFramingError() {
        var decoder = FrameDecoder()
        let events = decoder.feed([0x10, 0x02, 0x01, 0x10, 0x41, 0x00], at: t0)
        #expect(events == [.damaged(.framingError(byteAfterDLE: 0x41))])
    }

    @Test func tooShortFramesAreDroppedSilently() {
        var decoder = FrameDecoder()
        #expect(decoder.feed([0x10, 0x02, 0x01, 0x06, 0x10, 0x03], at: t0) == [.dropped(.tooShort)])
    }

    @Test func oversizeFramesAreDamageAndTheDecoderRecovers() {
        var decoder = FrameDecoder(maximumPayloadSize: 64)
        let big = FrameEncoder.encode(
            Frame(sequence: 1, type: 0x20, payload: Array(repeating: 0x41, count: 65)))
        let small = Frame(sequence: 2, type: 0x30)
        let events = decoder.feed(big + FrameEncoder.encode(small), at: t0)
        #expect(events == [.damaged(.oversize), .frame(small)])
        let exact = Frame(sequence: 3, type: 0x20, payload: Array(repeating: 0x42, count: 64))
        #expect(decoder.feed(FrameEncoder.encode(exact), at: t0) == [.frame(exact)])
    }

    @Test func arbitraryFramesRoundTrip() async {
        let frames = zip(
            Gen.uint8(in: 0...255), Gen.uint8(in: 0...255),
            Gen.uint8(in: 0...255).array(of: 0...300)
        ).map { Frame(sequence: $0, type: $1, payload: $2) }
        await propertyCheck(count: 300, input: frames) { frame in
            var decoder = FrameDecoder()
            #expect(decoder.feed(FrameEncoder.encode(frame), at: .now) == [.frame(frame)])
        }
    }

    @Test func arbitraryGarbageNeverHidesTheFollowingFrame() async {
        // Garbage that ends in a complete, well-formed frame of its own would be reported first;
        // whatever the garbage, the real frame after it must come out (after a flushing gap).
        await propertyCheck(count: 300, input: Gen.uint8(in: 0...255).array(of: 0...200)) { garbage in
            var decoder = FrameDecoder(interByteTimeout: .milliseconds(200))
            let t0 = ContinuousClock.now
            _ = decoder.feed(garbage, at: t0)
            let events = decoder.feed(FrameEncoder.encode(sample), at: t0 + .milliseconds(250))
            #expect(events.last == .frame(sample))
        }
    }
}
