import ISO8583
import Testing

@Suite struct CodecVectorTests {
    let codec = ISO8583Codec()

    @Test func vectorsArePresent() {
        #expect(Vector.all.count >= 15)
        let mtis = Set(Vector.all.map { $0.fields["t"]! })
        for mti in ["0100", "0110", "0400", "0401", "0410", "0420", "0421", "0430", "0800", "0810"] {
            #expect(mtis.contains(mti), "no vector for \(mti)")
        }
    }

    @Test(arguments: Vector.all)
    func decodesPyiso8583Bytes(_ vector: Vector) throws {
        let decoded = try codec.decode(vector.bytes)
        #expect(decoded == (try vector.message()))
    }

    @Test(arguments: Vector.all)
    func encodesTheSameBytesAsPyiso8583(_ vector: Vector) throws {
        #expect(try codec.encode(vector.message()) == vector.bytes)
    }

    @Test(arguments: Vector.all)
    func framesWithTwoByteBigEndianLength(_ vector: Vector) throws {
        #expect(try LengthPrefixedFrames.frame(vector.bytes) == vector.framedBytes)
    }

    @Test func reassemblesFramesSplitAnywhere() throws {
        let stream = Vector.all.flatMap(\.framedBytes)
        for chunkSize in [1, 2, 3, 7, 64, 1000] {
            var frames = LengthPrefixedFrames()
            var received: [[UInt8]] = []
            var index = 0
            while index < stream.count {
                frames.append(stream[index..<min(index + chunkSize, stream.count)])
                index += chunkSize
                while let frame = try frames.nextFrame() { received.append(frame) }
            }
            #expect(received == Vector.all.map(\.bytes), "chunk size \(chunkSize)")
        }
    }

    @Test func secondaryBitmapOnlyWhenNeeded() throws {
        let auth = try codec.encode(Vector.all.first { $0.fields["t"] == "0100" }!.message())
        #expect(auth[4] & 0x80 == 0)
        let echo = try codec.encode(Vector.all.first { $0.fields["t"] == "0800" }!.message())
        #expect(echo[4] & 0x80 != 0)
        #expect(echo.count == 4 + 16 + 10 + 6 + 3)
    }
}
