/// Repeated measurements of one figure: median and spread (min…max), and percentiles of latencies.
struct Samples: Sendable {
    private(set) var values: [Double] = []

    init(_ values: [Double] = []) { self.values = values }

    mutating func add(_ value: Double) { values.append(value) }

    var median: Double { percentile(50) }

    /// The value at `p` percent (nearest rank on the sorted values); 0 when empty.
    func percentile(_ p: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }

    var minimum: Double { values.min() ?? 0 }
    var maximum: Double { values.max() ?? 0 }

    /// `median (min–max)` with `digits` after the point.
    func summary(_ digits: Int = 0) -> String {
        guard values.count > 1 else { return Self.format(median, digits) }
        return
            "\(Self.format(median, digits)) (\(Self.format(minimum, digits))–\(Self.format(maximum, digits)))"
    }

    static func format(_ value: Double, _ digits: Int) -> String {
        if digits == 0 {
            let rounded = Int(value.rounded())
            // Thousands separated by a thin space keep wide numbers readable.
            let text = String(abs(rounded))
            var grouped = ""
            for (index, character) in text.reversed().enumerated() {
                if index > 0 && index % 3 == 0 { grouped.append(" ") }
                grouped.append(character)
            }
            return (rounded < 0 ? "-" : "") + String(grouped.reversed())
        }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int((value * scale).rounded())
        let whole = scaled / Int(scale)
        var fraction = String(abs(scaled) % Int(scale))
        while fraction.count < digits { fraction = "0" + fraction }
        return "\(scaled < 0 && whole == 0 ? "-" : "")\(whole).\(fraction)"
    }
}
