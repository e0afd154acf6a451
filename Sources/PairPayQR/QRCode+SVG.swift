extension QRCode {
    /// The code as a standalone SVG document: a white background and one black `<path>` holding the
    /// dark modules.
    ///
    /// The user coordinates are modules (the `viewBox` is the symbol with its quiet zone), and
    /// `width`/`height` are `moduleSize` pixels a module. Each run of dark modules in a row is one
    /// subpath `M x y hNv1h-Nz`, so adjacent modules have no seams; `shape-rendering="crispEdges"`
    /// keeps edges sharp. The document has no script, style sheet, font or link to anything outside
    /// it, and carries `role="img"`; give `title` to label it for screen readers.
    ///
    /// - Parameters:
    ///   - moduleSize: pixels per module for `width` and `height`.
    ///   - quietZone: light modules around the symbol; the standard asks for 4.
    ///   - title: an accessible name, written (escaped) as the document's `<title>`; none if nil.
    /// - Precondition: `moduleSize` ≥ 1 and `quietZone` ≥ 0.
    public func svg(moduleSize: Int = 8, quietZone: Int = 4, title: String? = nil) -> String {
        precondition(moduleSize >= 1, "a module must be at least one pixel (\(moduleSize))")
        precondition(quietZone >= 0, "a quiet zone cannot be negative (\(quietZone) modules)")
        let side = size + 2 * quietZone
        let pixels = side * moduleSize
        var path = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard isDark(x: x, y: y) else {
                    x += 1
                    continue
                }
                var run = 1
                while x + run < size && isDark(x: x + run, y: y) { run += 1 }
                path += "M\(x + quietZone) \(y + quietZone)h\(run)v1h-\(run)z"
                x += run
            }
        }
        var document = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 \(side) \(side)" \
            width="\(pixels)" height="\(pixels)" shape-rendering="crispEdges" role="img">

            """
        if let title {
            document += "<title>\(Self.escapedForXML(title))</title>\n"
        }
        document += "<rect width=\"\(side)\" height=\"\(side)\" fill=\"#ffffff\"/>\n"
        document += "<path fill=\"#000000\" d=\"\(path)\"/>\n"
        document += "</svg>\n"
        return document
    }

    /// `text` safe inside an XML element or attribute value: the five predefined entities, and
    /// characters XML 1.0 does not allow (C0 controls other than tab, line feed and carriage
    /// return; U+FFFE, U+FFFF) replaced by U+FFFD.
    static func escapedForXML(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            case "\t", "\n", "\r": escaped.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF:
                escaped += "\u{FFFD}"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
