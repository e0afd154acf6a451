import PairPayQR
import Testing

@Suite struct PNGTests {
    @Test func theFileStartsWithTheSignatureAndAnIHDROfTheRightSize() throws {
        let code = try QRCode(text: Fixtures.url200)
        let bytes = code.png(moduleSize: 8, quietZone: 4)
        #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let png = try PNGFile(bytes)
        let header = try #require(png.chunks.first)
        #expect(header.type == "IHDR")
        #expect(header.data.count == 13)
        let side = UInt32((code.size + 2 * 4) * 8)
        #expect(PNGFile.bigEndian32(header.data, at: 0) == side)
        #expect(PNGFile.bigEndian32(header.data, at: 4) == side)
        // Bit depth 8, colour type 0 (grayscale), compression 0, filter 0, interlace 0.
        #expect(Array(header.data[8..<13]) == [8, 0, 0, 0, 0])
    }

    @Test(arguments: [(1, 0), (8, 4), (3, 1)])
    func everyChunkCarriesTheCRCOfItsTypeAndData(moduleSize: Int, quietZone: Int) throws {
        let png = try PNGFile(QRCode(text: Fixtures.url200).png(moduleSize: moduleSize, quietZone: quietZone))
        #expect(png.chunks.map(\.type) == ["IHDR", "IDAT", "IEND"])
        for chunk in png.chunks {
            #expect(chunk.storedCRC == chunk.computedCRC, "CRC of \(chunk.type)")
        }
        #expect(png.chunks.last?.data.isEmpty == true)
        // IEND's CRC is the same in every PNG file.
        #expect(png.chunks.last?.storedCRC == 0xAE42_6082)
    }

    @Test func theImageDataIsAZlibStreamOfStoredBlocksWithItsAdler32() throws {
        // 57 + 8 modules of 8 pixels: 520 rows of 521 bytes, more than four 65 535-byte blocks.
        let code = try QRCode(text: Fixtures.url200)
        let png = try PNGFile(code.png(moduleSize: 8, quietZone: 4))
        let idat = try #require(png.chunks.first { $0.type == "IDAT" })
        #expect(Array(idat.data.prefix(2)) == [0x78, 0x01])
        let stream = try StoredZlib(idat.data)
        let side = (code.size + 8) * 8
        #expect(stream.data.count == side * (side + 1))
        #expect(stream.blockLengths.count == (stream.data.count + 65_534) / 65_535)
        #expect(stream.blockLengths.count > 1)
        #expect(stream.blockLengths.allSatisfy { $0 <= 65_535 })
        #expect(stream.blockLengths.dropLast().allSatisfy { $0 == 65_535 })
        #expect(stream.storedAdler32 == ReferenceChecksums.adler32(stream.data))
    }

    @Test(arguments: [(1, 0), (3, 4), (8, 4)])
    func thePixelRowsAreTheModules(moduleSize: Int, quietZone: Int) throws {
        let code = try QRCode(text: Fixtures.short)
        let png = try PNGFile(code.png(moduleSize: moduleSize, quietZone: quietZone))
        let idat = try #require(png.chunks.first { $0.type == "IDAT" })
        let raw = try StoredZlib(idat.data).data
        let side = (code.size + 2 * quietZone) * moduleSize
        try #require(raw.count == side * (side + 1))
        for y in 0..<side {
            let line = raw[(y * (side + 1))..<((y + 1) * (side + 1))]
            #expect(line.first == 0, "filter type of scanline \(y)")
            for (x, pixel) in line.dropFirst().enumerated() {
                let dark = Fixtures.imageIsDark(
                    code, x: x / moduleSize, y: y / moduleSize, quietZone: quietZone)
                if pixel != (dark ? 0 : 255) {
                    Issue.record("pixel (\(x), \(y)) is \(pixel), the module is \(dark ? "dark" : "light")")
                    return
                }
            }
        }
    }

    @Test func theDefaultsAreEightPixelModulesAndAFourModuleQuietZone() throws {
        let code = try QRCode(text: Fixtures.short)
        #expect(code.png() == code.png(moduleSize: 8, quietZone: 4))
    }
}
