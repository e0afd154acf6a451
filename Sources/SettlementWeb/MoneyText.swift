import PairPayCore

/// Amounts as the pages show them: the ISO code and the amount with its minor-unit digits and
/// thousands separators, `JPY 1,155`, `USD 11.55`.
enum MoneyText {
    static func format(_ money: Money) -> String {
        let digits = money.currency.minorUnitDigits
        var divisor: UInt64 = 1
        for _ in 0..<digits { divisor *= 10 }
        let magnitude = money.minorUnits.magnitude
        let whole = String(magnitude / divisor)
        var grouped = ""
        for (index, character) in whole.enumerated() {
            if index > 0 && (whole.count - index) % 3 == 0 { grouped += "," }
            grouped.append(character)
        }
        var text = "\(money.currency.code) \(money.minorUnits < 0 ? "-" : "")\(grouped)"
        if digits > 0 {
            let fraction = String(magnitude % divisor)
            text += "." + String(repeating: "0", count: digits - fraction.count) + fraction
        }
        return text
    }
}
