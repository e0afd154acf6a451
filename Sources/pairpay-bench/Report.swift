import Foundation

/// One suite's results: a Markdown table printed to stdout and, with `--write`, placed in
/// BENCHMARKS.md between `<!-- bench:SUITE -->` and `<!-- /bench:SUITE -->`.
struct Report {
    let suite: String
    let machine: Machine
    var header: [String] = []
    var rows: [[String]] = []
    var notes: [String] = []

    init(suite: String, machine: Machine) {
        self.suite = suite
        self.machine = machine
    }

    var markdown: String {
        var text = "Run \(Self.timestamp()) on:\n\n" + machine.lines.joined(separator: "\n") + "\n\n"
        text += "| " + header.joined(separator: " | ") + " |\n"
        text += "|" + header.map { _ in "---" }.joined(separator: "|") + "|\n"
        for row in rows { text += "| " + row.joined(separator: " | ") + " |\n" }
        if !notes.isEmpty { text += "\n" + notes.map { "- " + $0 }.joined(separator: "\n") + "\n" }
        return text
    }

    func emit(write: Bool) throws {
        print("\n## \(suite)\n")
        print(markdown)
        guard write else { return }
        let path = Self.repositoryRoot + "/BENCHMARKS.md"
        var document = (try? String(contentsOfFile: path, encoding: .utf8)) ?? "# Benchmarks\n"
        let open = "<!-- bench:\(suite) -->"
        let close = "<!-- /bench:\(suite) -->"
        let block = open + "\n" + markdown + close
        if let start = document.range(of: open), let end = document.range(of: close),
            start.lowerBound < end.upperBound
        {
            document.replaceSubrange(start.lowerBound..<end.upperBound, with: block)
        } else {
            document += "\n### `\(suite)` (latest run)\n\n" + block + "\n"
        }
        try document.write(toFile: path, atomically: true, encoding: .utf8)
        print("(written into \(path))")
    }

    /// The package's root: two levels above this source file.
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [
            .withFullDate, .withTime, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime,
        ]
        return formatter.string(from: Date()) + " UTC"
    }
}
