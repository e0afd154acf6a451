import PairPayQR
import Testing

@Suite struct QRCodeEncodingTests {
    @Test func aTwoHundredCharacterURLAtMediumFitsVersionTen() throws {
        #expect(Fixtures.url200.utf8.count == 200)
        #expect(Fixtures.url200.hasPrefix("https://"))
        let code = try QRCode(text: Fixtures.url200, errorCorrection: .medium)
        #expect(code.errorCorrection == .medium)
        #expect((1...10).contains(code.version))
        #expect(code.size == 17 + 4 * code.version)
    }

    @Test(arguments: QRErrorCorrection.allCases)
    func sizeFollowsTheVersionAtEveryLevel(level: QRErrorCorrection) throws {
        let code = try QRCode(text: Fixtures.url200, errorCorrection: level)
        #expect((1...40).contains(code.version))
        #expect(code.size == 17 + 4 * code.version)
    }

    @Test func moreErrorCorrectionNeverMeansASmallerSymbol() throws {
        let versions = try QRErrorCorrection.allCases.map {
            try QRCode(text: Fixtures.url200, errorCorrection: $0).version
        }
        #expect(versions == versions.sorted())
        #expect(versions.first! < versions.last!)
    }

    @Test func theTextIsEncodedInByteModeWithItsCaseKept() throws {
        // 20 upper-case letters fit version 1 at M in alphanumeric mode (20 characters), but byte
        // mode holds only 14 bytes there, so a byte-mode symbol is version 2 (26 bytes).
        let upper = try QRCode(text: "ABCDEFGHIJKLMNOPQRST", errorCorrection: .medium)
        #expect(upper.version == 2)
        let lower = try QRCode(text: "abcdefghijklmnopqrst", errorCorrection: .medium)
        #expect(lower.version == 2)
        #expect(upper != lower)
    }

    @Test func theSmallestVersionThatHoldsTheTextIsChosen() throws {
        // Byte-mode capacity at M: version 1 holds 14 bytes, version 2 holds 26.
        #expect(try QRCode(text: String(repeating: "a", count: 14)).version == 1)
        #expect(try QRCode(text: String(repeating: "a", count: 15)).version == 2)
    }

    @Test(arguments: [Fixtures.short, Fixtures.url200])
    func theFinderPatternsAreInTheThreeCorners(text: String) throws {
        let code = try QRCode(text: text)
        let last = code.size - 7
        #expect(hasFinderPattern(code, left: 0, top: 0))
        #expect(hasFinderPattern(code, left: last, top: 0))
        #expect(hasFinderPattern(code, left: 0, top: last))
        #expect(!hasFinderPattern(code, left: last, top: last))
        // The light separator around each finder pattern, inside the symbol.
        for i in 0..<8 {
            #expect(!code.isDark(x: i, y: 7) && !code.isDark(x: 7, y: i))
            #expect(!code.isDark(x: code.size - 1 - i, y: 7) && !code.isDark(x: code.size - 8, y: i))
            #expect(!code.isDark(x: i, y: code.size - 8) && !code.isDark(x: 7, y: code.size - 1 - i))
        }
    }

    @Test(arguments: [Fixtures.short, Fixtures.url200])
    func theTimingPatternsAndTheDarkModuleAreWhereTheStandardPutsThem(text: String) throws {
        let code = try QRCode(text: text)
        // Row 6 and column 6 alternate between the finder patterns, starting dark.
        for i in 8..<(code.size - 8) {
            #expect(code.isDark(x: i, y: 6) == (i % 2 == 0), "row 6, column \(i)")
            #expect(code.isDark(x: 6, y: i) == (i % 2 == 0), "column 6, row \(i)")
        }
        // The dark module at column 8, row 4V + 9, beside the bottom-left finder: this fixes the
        // matrix's orientation (a transposed one would have it beside the top-right finder).
        #expect(code.isDark(x: 8, y: 4 * code.version + 9))
        #expect(4 * code.version + 9 == code.size - 8)
    }

    @Test func aDarkModuleIsBitZeroOfLibqrencodesByte() throws {
        // libqrencode sets other bits on light modules too (finder, separator, format areas):
        // reading a byte as non-zero would make them dark. About half the modules are dark.
        let code = try QRCode(text: Fixtures.url200)
        let dark = Fixtures.darkCount(code)
        let all = code.size * code.size
        #expect(dark > all * 3 / 10 && dark < all * 7 / 10)
    }

    @Test func textTooLongForAnyQRCodeIsRefused() {
        let text = String(repeating: "x", count: 8000)
        #expect(throws: QRCodeError.textTooLong(byteCount: 8000, errorCorrection: .medium)) {
            try QRCode(text: text)
        }
    }

    @Test(arguments: [
        (QRErrorCorrection.low, 2953), (.medium, 2331), (.quartile, 1663), (.high, 1273),
    ])
    func theLargestTextFitsVersionFortyAndOneByteMoreDoesNot(level: QRErrorCorrection, capacity: Int) throws {
        let largest = try QRCode(text: String(repeating: "a", count: capacity), errorCorrection: level)
        #expect(largest.version == 40)
        #expect(largest.size == 177)
        #expect(throws: QRCodeError.textTooLong(byteCount: capacity + 1, errorCorrection: level)) {
            try QRCode(text: String(repeating: "a", count: capacity + 1), errorCorrection: level)
        }
    }

    @Test func theLimitCountsUTF8BytesNotCharacters() {
        // 800 yen signs are 1600 bytes: more than level H holds (1273).
        #expect(throws: QRCodeError.textTooLong(byteCount: 1600, errorCorrection: .high)) {
            try QRCode(text: String(repeating: "¥", count: 800), errorCorrection: .high)
        }
    }

    @Test func emptyTextIsRefused() {
        #expect(throws: QRCodeError.emptyText) { try QRCode(text: "") }
    }

    @Test func theErrorsSayWhatToDo() {
        let tooLong = QRCodeError.textTooLong(byteCount: 8000, errorCorrection: .medium).description
        #expect(tooLong.contains("8000 bytes"))
        #expect(tooLong.contains("2331"))
        #expect(tooLong.contains("shorten"))
        #expect(QRCodeError.emptyText.description.contains("give at least one character"))
    }

    @Test func textWithANULCharacterIsEncodedWhole() throws {
        let withNUL = try QRCode(text: "a\u{0}b")
        let cut = try QRCode(text: "a")
        #expect(withNUL != cut)
    }

    /// Whether the 7 × 7 modules from (`left`, `top`) are a finder pattern: a dark ring, a light
    /// ring and a dark 3 × 3 centre.
    private func hasFinderPattern(_ code: QRCode, left: Int, top: Int) -> Bool {
        for dy in 0..<7 {
            for dx in 0..<7 {
                let ring = max(abs(dx - 3), abs(dy - 3))  // 3: outer ring, 2: light ring, 0–1: centre
                if code.isDark(x: left + dx, y: top + dy) != (ring != 2) { return false }
            }
        }
        return true
    }
}
