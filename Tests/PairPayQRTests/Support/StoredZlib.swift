/// Reads a zlib stream (RFC 1950) whose deflate data is only stored blocks (RFC 1951, BTYPE 00),
/// checking every header field and the Adler-32, since Foundation on Linux has no zlib.
struct StoredZlib {
    /// Why the stream is not one this reader accepts.
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    /// The uncompressed bytes.
    var data: [UInt8] = []
    /// The length of each stored block, in order.
    var blockLengths: [Int] = []
    /// The Adler-32 at the end of the stream.
    var storedAdler32: UInt32 = 0

    init(_ stream: [UInt8]) throws {
        guard stream.count >= 6 else { throw Malformed(description: "stream of \(stream.count) bytes") }
        let cmf = stream[0]
        let flg = stream[1]
        guard cmf & 0x0F == 8 else { throw Malformed(description: "compression method \(cmf & 0x0F), not 8") }
        guard cmf >> 4 <= 7 else { throw Malformed(description: "window size field \(cmf >> 4)") }
        guard (UInt16(cmf) << 8 | UInt16(flg)) % 31 == 0 else { throw Malformed(description: "bad FCHECK") }
        guard flg & 0x20 == 0 else { throw Malformed(description: "preset dictionary") }
        var offset = 2
        var final = false
        while !final {
            guard offset + 5 <= stream.count else { throw Malformed(description: "truncated block header") }
            let header = stream[offset]
            // A stored block starts on a byte boundary here, so its header is one byte: BFINAL,
            // BTYPE and five bits of padding that must be zero.
            guard header & 0b110 == 0 else {
                throw Malformed(description: "block type \((header >> 1) & 3), not 00")
            }
            guard header >> 3 == 0 else { throw Malformed(description: "padding bits set in \(header)") }
            final = header & 1 == 1
            let length = Int(stream[offset + 1]) | Int(stream[offset + 2]) << 8
            let complement = Int(stream[offset + 3]) | Int(stream[offset + 4]) << 8
            guard length ^ complement == 0xFFFF else { throw Malformed(description: "NLEN is not ~LEN") }
            offset += 5
            guard offset + length <= stream.count else {
                throw Malformed(description: "block runs past the end")
            }
            data += stream[offset..<(offset + length)]
            blockLengths.append(length)
            offset += length
        }
        guard offset + 4 == stream.count else {
            throw Malformed(description: "\(stream.count - offset) bytes after the last block, not 4")
        }
        storedAdler32 = PNGFile.bigEndian32(stream, at: offset)
    }
}
