/// A PNG file taken apart for the tests: signature checked, chunks split, each chunk's CRC-32
/// recomputed independently.
struct PNGFile {
    /// One chunk: its type, its data, the CRC stored after it and the CRC of type and data.
    struct Chunk {
        var type: String
        var data: [UInt8]
        var storedCRC: UInt32
        var computedCRC: UInt32
    }

    /// Why the bytes are not a PNG file this reader understands.
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    var chunks: [Chunk] = []

    init(_ bytes: [UInt8]) throws {
        guard bytes.count >= 8, Array(bytes[0..<8]) == Self.signature else {
            throw Malformed(description: "no PNG signature")
        }
        var offset = 8
        while offset < bytes.count {
            guard offset + 12 <= bytes.count else {
                throw Malformed(description: "truncated chunk at \(offset)")
            }
            let length = Int(Self.bigEndian32(bytes, at: offset))
            let typeBytes = Array(bytes[(offset + 4)..<(offset + 8)])
            guard offset + 12 + length <= bytes.count else {
                throw Malformed(description: "chunk at \(offset) runs past the end")
            }
            let data = Array(bytes[(offset + 8)..<(offset + 8 + length)])
            chunks.append(
                Chunk(
                    type: String(decoding: typeBytes, as: UTF8.self), data: data,
                    storedCRC: Self.bigEndian32(bytes, at: offset + 8 + length),
                    computedCRC: ReferenceChecksums.crc32(typeBytes + data)))
            offset += 12 + length
        }
    }

    static func bigEndian32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | UInt32($1) }
    }
}
