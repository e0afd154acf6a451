extension QRCode {
    /// The code as a PNG file: 8-bit grayscale, black modules on white, the quiet zone included.
    ///
    /// The image is (`size` + 2 × `quietZone`) × `moduleSize` pixels square. The file holds IHDR,
    /// one IDAT (a zlib stream of uncompressed deflate blocks) and IEND, each with its CRC-32.
    ///
    /// - Parameters:
    ///   - moduleSize: pixels per module.
    ///   - quietZone: light modules around the symbol; the standard asks for 4.
    /// - Precondition: `moduleSize` ≥ 1 and `quietZone` ≥ 0.
    public func png(moduleSize: Int = 8, quietZone: Int = 4) -> [UInt8] {
        precondition(moduleSize >= 1, "a module must be at least one pixel (\(moduleSize))")
        precondition(quietZone >= 0, "a quiet zone cannot be negative (\(quietZone) modules)")
        let side = size + 2 * quietZone
        let pixels = side * moduleSize
        // One line of pixels per module row; every pixel row of a module row is the same.
        let moduleRows: [[UInt8]] = (0..<side).map { y in
            var line: [UInt8] = []
            line.reserveCapacity(pixels)
            for x in 0..<side {
                let gray: UInt8 = isDark(x: x, y: y, quietZone: quietZone) ? 0x00 : 0xFF
                line += repeatElement(gray, count: moduleSize)
            }
            return line
        }
        return GrayscalePNG.encode(width: pixels, height: pixels) { y, row in
            row = moduleRows[y / moduleSize]
        }
    }
}
