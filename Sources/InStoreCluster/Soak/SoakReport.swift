/// The reconciliation's verdict: figures to print and every violation found (none: the run held).
public struct SoakReport: Sendable {
    /// One line per violation, naming the order, receipt or STAN concerned.
    public var violations: [String]
    /// Counts and sums, in print order.
    public var figures: [(String, Int)]

    /// Whether nothing was violated.
    public var held: Bool { violations.isEmpty }

    /// The report as text, one figure or violation per line.
    public var text: String {
        var lines = ["reconciliation:"]
        lines += figures.map { "  \($0.0): \($0.1)" }
        if violations.isEmpty {
            lines.append("  violations: none")
        } else {
            lines.append("  violations: \(violations.count)")
            lines += violations.map { "  VIOLATION \($0)" }
        }
        return lines.joined(separator: "\n")
    }
}
