import PairPayQR
import Testing

@Suite struct SVGTests {
    @Test(arguments: [(1, 0), (8, 4), (3, 2)])
    func thePathHoldsExactlyTheDarkModules(moduleSize: Int, quietZone: Int) throws {
        let code = try QRCode(text: Fixtures.url200)
        let svg = code.svg(moduleSize: moduleSize, quietZone: quietZone)
        let runs = try pathRuns(in: svg)
        var covered = Set<Int>()
        var modules = 0
        let side = code.size + 2 * quietZone
        for run in runs {
            #expect(run.length >= 1)
            for x in run.x..<(run.x + run.length) {
                #expect(covered.insert(run.y * side + x).inserted, "module (\(x), \(run.y)) drawn twice")
                modules += 1
            }
        }
        #expect(modules == Fixtures.darkCount(code))
        for y in 0..<side {
            for x in 0..<side {
                let dark = Fixtures.imageIsDark(code, x: x, y: y, quietZone: quietZone)
                #expect(covered.contains(y * side + x) == dark, "module (\(x), \(y))")
            }
        }
    }

    @Test func horizontalRunsAreMerged() throws {
        let code = try QRCode(text: Fixtures.url200)
        let runs = try pathRuns(in: code.svg(quietZone: 4))
        let ends = Set(runs.map { ($0.y * 1000) + $0.x + $0.length })
        let starts = Set(runs.map { ($0.y * 1000) + $0.x })
        // No run starts where another on the same row ends: those would have been one run.
        #expect(ends.isDisjoint(with: starts))
        // The 7-module top row of the top-left finder pattern is one run.
        #expect(runs.contains { $0.x == 4 && $0.y == 4 && $0.length == 7 })
    }

    @Test func theDocumentIsStandaloneAndSized() throws {
        let code = try QRCode(text: Fixtures.short)
        let svg = code.svg(moduleSize: 8, quietZone: 4)
        let side = code.size + 8
        #expect(svg.contains("xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.contains("viewBox=\"0 0 \(side) \(side)\""))
        #expect(svg.contains("width=\"\(side * 8)\""))
        #expect(svg.contains("height=\"\(side * 8)\""))
        #expect(svg.contains("shape-rendering=\"crispEdges\""))
        #expect(svg.contains("role=\"img\""))
        #expect(svg.contains("<rect width=\"\(side)\" height=\"\(side)\" fill=\"#ffffff\"/>"))
        #expect(count(of: "<path", in: svg) == 1)
        #expect(count(of: "<svg", in: svg) == 1)
        #expect(svg.hasSuffix("</svg>\n"))
        for forbidden in ["<script", "href", "url(", "<image", "<style", "<foreignObject", "@import"] {
            #expect(!svg.contains(forbidden), "\(forbidden) in the document")
        }
        #expect(!svg.contains(" on"), "an event handler attribute")
        #expect(!svg.contains("<title"))
    }

    @Test func theTitleIsEscaped() throws {
        let code = try QRCode(text: Fixtures.short)
        let svg = code.svg(title: "Pay ¥1155 <now> & \"later\" 'ok'</title><script>")
        let escaped =
            "Pay ¥1155 &lt;now&gt; &amp; &quot;later&quot; &apos;ok&apos;&lt;/title&gt;&lt;script&gt;"
        #expect(svg.contains("<title>\(escaped)</title>"))
        #expect(count(of: "<title>", in: svg) == 1)
        #expect(!svg.contains("<script"))
        // The title comes first inside <svg>, where readers look for the accessible name.
        let afterOpening = svg.split(separator: "\n")[2]
        #expect(afterOpening.hasPrefix("<title>"))
    }

    /// A run of dark modules: `M x y hNv1h-Nz`.
    private struct Run {
        var x: Int
        var y: Int
        var length: Int
    }

    private struct NotARunPath: Error, CustomStringConvertible {
        var description: String
    }

    /// The runs in the document's one `d="..."` attribute, parsed strictly as `M x y hNv1h-Nz`.
    private func pathRuns(in svg: String) throws -> [Run] {
        guard let start = svg.firstRange(of: " d=\"") else {
            throw NotARunPath(description: "no d attribute")
        }
        guard let end = svg[start.upperBound...].firstIndex(of: "\"") else {
            throw NotARunPath(description: "unterminated d attribute")
        }
        var rest = Substring(svg[start.upperBound..<end])
        var runs: [Run] = []
        func number() throws -> Int {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let value = Int(digits) else {
                throw NotARunPath(description: "expected a number at \(rest.prefix(20))")
            }
            rest = rest.dropFirst(digits.count)
            return value
        }
        func literal(_ text: String) throws {
            guard rest.hasPrefix(text) else {
                throw NotARunPath(description: "expected \(text) at \(rest.prefix(20))")
            }
            rest = rest.dropFirst(text.count)
        }
        while !rest.isEmpty {
            try literal("M")
            let x = try number()
            try literal(" ")
            let y = try number()
            try literal("h")
            let length = try number()
            try literal("v1h-")
            let back = try number()
            try literal("z")
            guard back == length else { throw NotARunPath(description: "run h\(length) closed by h-\(back)") }
            runs.append(Run(x: x, y: y, length: length))
        }
        return runs
    }

    private func count(of needle: String, in haystack: String) -> Int {
        haystack.ranges(of: needle).count
    }
}
