import ISO8583
import Testing

@Suite struct CodecErrorTests {
    let codec = ISO8583Codec()
    var auth: [UInt8] { Vector.all.first { $0.fields["t"] == "0100" }!.bytes }

    @Test func shortInputIsTruncatedNotACrash() {
        for length in 0..<auth.count {
            #expect(throws: ISO8583Error.self) { try codec.decode(auth.prefix(length)) }
        }
        #expect(throws: ISO8583Error.truncated(needed: 4, available: 2, while: "MTI")) {
            try codec.decode([0x30, 0x31])
        }
    }

    @Test func oversizeInputIsRefused() {
        let small = ISO8583Codec(maximumMessageLength: 32)
        #expect(throws: ISO8583Error.messageTooLarge(size: auth.count, maximum: 32)) {
            try small.decode(auth)
        }
    }

    @Test func badMTI() {
        var bytes = auth
        bytes[1] = UInt8(ascii: "X")
        #expect(throws: ISO8583Error.invalidMTI("0X00")) { try codec.decode(bytes) }
    }

    @Test func emptyBitmapAndUnknownFieldAreRefused() {
        #expect(throws: ISO8583Error.invalidBitmap("no data field is set")) {
            try codec.decode(Array("0800".utf8) + [0, 0, 0, 0, 0, 0, 0, 0])
        }
        // Field 5 (settlement amount) is not in the profile.
        #expect(throws: ISO8583Error.unsupportedField(5)) {
            try codec.decode(Array("0800".utf8) + [0x08, 0, 0, 0, 0, 0, 0, 0] + Array("000000000001".utf8))
        }
        // Secondary bitmap announced but all zero.
        #expect(throws: ISO8583Error.invalidBitmap("secondary bitmap announced but empty")) {
            try codec.decode(Array("0800".utf8) + [0x82, 0, 0, 0, 0, 0, 0, 0] + [0, 0, 0, 0, 0, 0, 0, 0])
        }
    }

    @Test func nonDigitInNumericField() {
        var bytes = auth
        // Field 3 (processing code) starts after MTI, bitmap, "16" and the 16-digit PAN.
        bytes[4 + 8 + 2 + 16] = UInt8(ascii: "A")
        #expect(throws: ISO8583Error.nonDigit(.processingCode)) { try codec.decode(bytes) }
    }

    @Test func llvarLongerThanMaximum() {
        var bytes = auth
        bytes[12] = UInt8(ascii: "2")  // PAN length "16" -> "26", above the maximum of 19
        #expect(throws: ISO8583Error.fieldTooLong(.primaryAccountNumber, length: 26, maximum: 19)) {
            try codec.decode(bytes)
        }
        bytes[12] = UInt8(ascii: "x")
        #expect(throws: ISO8583Error.invalidLengthPrefix(.primaryAccountNumber)) { try codec.decode(bytes) }
    }

    @Test func trailingBytesAreRefused() {
        #expect(throws: ISO8583Error.trailingBytes(1)) { try codec.decode(auth + [0x30]) }
    }

    @Test func encoderChecksFormats() throws {
        var message = ISOMessage(mti: .authorizationRequest)
        message[.amount] = "1155"
        #expect(throws: ISO8583Error.wrongFixedLength(.amount, length: 4, expected: 12)) {
            try codec.encode(message)
        }
        message[.amount] = "00000000115X"
        #expect(throws: ISO8583Error.nonDigit(.amount)) { try codec.encode(message) }
        message[.amount] = nil
        message[.primaryAccountNumber] = String(repeating: "4", count: 20)
        #expect(throws: ISO8583Error.fieldTooLong(.primaryAccountNumber, length: 20, maximum: 19)) {
            try codec.encode(message)
        }
        message[.primaryAccountNumber] = nil
        message[.terminalID] = "TERM\u{7}001"
        #expect(throws: ISO8583Error.invalidCharacter(.terminalID)) { try codec.encode(message) }
    }

    @Test func badFrameHeaders() {
        var frames = LengthPrefixedFrames(maximumFrameLength: 100)
        frames.append([0x00, 0x00])
        #expect(throws: ISO8583Error.invalidFrameLength(0, maximum: 100)) { try frames.nextFrame() }
        var big = LengthPrefixedFrames(maximumFrameLength: 100)
        big.append([0x01, 0x00, 0x30])
        #expect(throws: ISO8583Error.invalidFrameLength(256, maximum: 100)) { try big.nextFrame() }
        #expect(throws: ISO8583Error.self) { try LengthPrefixedFrames.frame([]) }
    }

    /// Every one-byte corruption of every vector either decodes or throws; none traps.
    @Test func corruptedVectorsNeverCrash() {
        var rng = SystemRandomNumberGenerator()
        var thrown = 0
        for vector in Vector.all {
            let bytes = vector.bytes
            for index in bytes.indices {
                var corrupted = bytes
                corrupted[index] = UInt8.random(in: 0...255, using: &rng)
                do { _ = try codec.decode(corrupted) } catch { thrown += 1 }
            }
        }
        #expect(thrown > 0)
    }
}
