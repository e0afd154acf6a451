import PairPayQR
import Testing

@Suite struct TerminalTextTests {
    @Test(arguments: [0, 1, 2, 4])
    func linesAndColumnsCoverTheSymbolAndItsQuietZone(quietZone: Int) throws {
        let code = try QRCode(text: Fixtures.url200)
        let text = code.terminalText(quietZone: quietZone)
        let side = code.size + 2 * quietZone
        #expect(text.hasSuffix("\n"))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == (side + 1) / 2)
        #expect(text.filter { $0 == "\n" }.count == (side + 1) / 2)
        for line in lines {
            #expect(line.count == side)
            #expect(line.unicodeScalars.count == side)
        }
    }

    @Test func theDefaultQuietZoneIsTwoModules() throws {
        let code = try QRCode(text: Fixtures.short)
        #expect(code.terminalText() == code.terminalText(quietZone: 2))
    }

    @Test(arguments: [0, 2, 3])
    func lightModulesAreBlocksAndDarkModulesAreSpaces(quietZone: Int) throws {
        let code = try QRCode(text: Fixtures.short)
        let side = code.size + 2 * quietZone
        let lines = code.terminalText(quietZone: quietZone).split(separator: "\n")
        #expect(lines.count == (side + 1) / 2)
        for (index, line) in lines.enumerated() {
            for (x, glyph) in line.enumerated() {
                let upperLight: Bool
                let lowerLight: Bool
                switch glyph {
                case "\u{2588}": (upperLight, lowerLight) = (true, true)  // █
                case "\u{2580}": (upperLight, lowerLight) = (true, false)  // ▀
                case "\u{2584}": (upperLight, lowerLight) = (false, true)  // ▄
                case " ": (upperLight, lowerLight) = (false, false)
                default:
                    Issue.record("unexpected character \(glyph) at line \(index), column \(x)")
                    continue
                }
                let top = 2 * index
                #expect(upperLight == !Fixtures.imageIsDark(code, x: x, y: top, quietZone: quietZone))
                if top + 1 < side {
                    #expect(lowerLight == !Fixtures.imageIsDark(code, x: x, y: top + 1, quietZone: quietZone))
                } else {
                    // Below the last module row there is only the terminal's background.
                    #expect(!lowerLight)
                }
            }
        }
    }

    @Test func theQuietZoneIsDrawnLight() throws {
        let code = try QRCode(text: Fixtures.short)
        let lines = code.terminalText(quietZone: 2).split(separator: "\n")
        // The first line is two light rows; every line starts and ends with two light columns.
        #expect(lines.first!.allSatisfy { $0 == "\u{2588}" })
        for line in lines.dropLast() {
            #expect(line.hasPrefix("\u{2588}\u{2588}") && line.hasSuffix("\u{2588}\u{2588}"))
        }
    }
}
