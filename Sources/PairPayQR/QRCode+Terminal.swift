extension QRCode {
    /// The code as lines of text for a terminal: two module rows per line, drawn with the half
    /// blocks ▀ ▄ █ and spaces, the quiet zone included, each line ending in "\n".
    ///
    /// The drawing is made for a terminal with light text on a dark background, the usual one:
    /// **light** modules (and the quiet zone) are drawn as blocks in the text colour, and **dark**
    /// modules are left as spaces, showing the background. A phone camera then sees dark modules on
    /// a light field, as a printed code, which is what every reader expects. On a terminal with dark
    /// text on a light background the code comes out inverted, and many readers will not read it.
    ///
    /// When the side (`size` + 2 × `quietZone`) is odd, the lower half of the last line is left as
    /// background. The result has (`size` + 2 × `quietZone` + 1) / 2 lines of `size` + 2 × `quietZone`
    /// characters.
    ///
    /// - Parameter quietZone: light modules around the symbol; the standard asks for 4, and 2 is
    ///   enough for most phone readers.
    /// - Precondition: `quietZone` ≥ 0.
    public func terminalText(quietZone: Int = 2) -> String {
        precondition(quietZone >= 0, "a quiet zone cannot be negative (\(quietZone) modules)")
        let side = size + 2 * quietZone
        var text = ""
        text.reserveCapacity(((side + 1) / 2) * (3 * side + 1))  // UTF-8 bytes: 3 a block
        for top in stride(from: 0, to: side, by: 2) {
            for x in 0..<side {
                let upperLight = !isDark(x: x, y: top, quietZone: quietZone)
                // Below the last row there is nothing: show the background there.
                let lowerLight = top + 1 < side && !isDark(x: x, y: top + 1, quietZone: quietZone)
                switch (upperLight, lowerLight) {
                case (true, true): text.unicodeScalars.append("\u{2588}")  // █
                case (true, false): text.unicodeScalars.append("\u{2580}")  // ▀
                case (false, true): text.unicodeScalars.append("\u{2584}")  // ▄
                case (false, false): text.unicodeScalars.append(" ")
                }
            }
            text.unicodeScalars.append("\n")
        }
        return text
    }
}
