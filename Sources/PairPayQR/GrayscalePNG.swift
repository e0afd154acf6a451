/// A PNG writer for 8-bit grayscale images (colour type 0), with no compression: the image data is
/// a zlib stream (RFC 1950) of stored deflate blocks (RFC 1951, BTYPE 00). A QR code's image is
/// small, and a reader needs nothing but the PNG specification to check what was written.
enum GrayscalePNG {
    /// The eight bytes every PNG file starts with.
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    /// The most bytes a stored deflate block holds (its LEN is 16 bits).
    static let maximumStoredBlock = 65_535

    /// A PNG file of `width` × `height` pixels; `scanline(y, &row)` fills row `y` (0 at the top,
    /// `width` bytes, 0 black to 255 white) into `row`. Each scanline gets filter type 0 (none).
    ///
    /// - Precondition: `width` and `height` are 1 through 2³¹ − 1 and the image data fits one chunk.
    static func encode(width: Int, height: Int, scanline: (Int, inout [UInt8]) -> Void) -> [UInt8] {
        precondition(width >= 1 && height >= 1, "a PNG image has at least one pixel (\(width)×\(height))")
        precondition(width <= Int(Int32.max) && height <= Int(Int32.max), "PNG dimensions are 31-bit")
        var header: [UInt8] = []
        append32(UInt32(width), to: &header)
        append32(UInt32(height), to: &header)
        // Bit depth 8, colour type 0 (grayscale), compression 0, filter method 0, no interlace.
        header += [8, 0, 0, 0, 0]

        var raw: [UInt8] = []
        raw.reserveCapacity((width + 1) * height)
        var row = [UInt8](repeating: 0, count: width)
        for y in 0..<height {
            scanline(y, &row)
            precondition(row.count == width, "scanline \(y) has \(row.count) pixels, not \(width)")
            raw.append(0)  // filter type 0: the bytes as they are
            raw += row
        }
        let imageData = zlibStored(raw)
        precondition(imageData.count <= Int(Int32.max), "the image data does not fit one PNG chunk")

        var file = signature
        appendChunk("IHDR", header, to: &file)
        appendChunk("IDAT", imageData, to: &file)
        appendChunk("IEND", [], to: &file)
        return file
    }

    /// `data` as a zlib stream of stored deflate blocks of at most 65 535 bytes, ending in its
    /// Adler-32.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        let blocks = max(1, (data.count + maximumStoredBlock - 1) / maximumStoredBlock)
        var stream: [UInt8] = []
        stream.reserveCapacity(2 + data.count + 5 * blocks + 4)
        // CMF 0x78: deflate with a 32 KiB window; FLG 0x01: no dictionary, level 0, and
        // (CMF × 256 + FLG) a multiple of 31.
        stream += [0x78, 0x01]
        for block in 0..<blocks {
            let start = block * maximumStoredBlock
            let end = min(start + maximumStoredBlock, data.count)
            let length = UInt16(end - start)
            // BFINAL on the last block, BTYPE 00; a stored block's header is then padded to a byte.
            stream.append(block == blocks - 1 ? 0x01 : 0x00)
            stream += [UInt8(length & 0xFF), UInt8(length >> 8)]
            stream += [UInt8(~length & 0xFF), UInt8(~length >> 8)]
            stream += data[start..<end]
        }
        append32(Adler32.checksum(data), to: &stream)
        return stream
    }

    /// Appends a chunk: length, type, data, and the CRC-32 of type and data.
    private static func appendChunk(_ type: String, _ data: [UInt8], to file: inout [UInt8]) {
        let typeBytes = Array(type.utf8)
        append32(UInt32(data.count), to: &file)
        file += typeBytes
        file += data
        append32(CRC32.checksum(data, initial: CRC32.checksum(typeBytes)), to: &file)
    }

    /// Appends `value` big-endian, as PNG and zlib write their integers.
    private static func append32(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes += [
            UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF),
        ]
    }
}
