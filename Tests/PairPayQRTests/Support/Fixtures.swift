import PairPayQR

/// Texts and helpers the QR tests share.
enum Fixtures {
    /// An https URL of exactly 200 characters (ASCII, so 200 bytes).
    static let url200: String = {
        let base = "https://pay.pairpay.example/v1/orders/PP-TERM-1-000042?amount=1155&currency=JPY&sig="
        return String((base + String(repeating: "0123456789abcdef", count: 13)).prefix(200))
    }()

    /// A short payment-code-like text: a version 1 or 2 symbol.
    static let short = "PAIRPAY1:hello"

    /// Whether the pixel-grid module at (`x`, `y`) of the symbol with `quietZone` light modules
    /// around it is dark, computed here from `isDark(x:y:)` alone.
    static func imageIsDark(_ code: QRCode, x: Int, y: Int, quietZone: Int) -> Bool {
        let column = x - quietZone
        let row = y - quietZone
        guard column >= 0, row >= 0, column < code.size, row < code.size else { return false }
        return code.isDark(x: column, y: row)
    }

    /// The number of dark modules in the symbol.
    static func darkCount(_ code: QRCode) -> Int {
        var count = 0
        for y in 0..<code.size {
            for x in 0..<code.size where code.isDark(x: x, y: y) { count += 1 }
        }
        return count
    }
}
