/// An `application/x-www-form-urlencoded` body (or query): names to values, `+` as space,
/// percent-escapes decoded. A name given twice keeps its first value. What a browser's form sends
/// the payment page and registerd's relay endpoint.
public struct FormBody: Sendable {
    /// The fields, name to value.
    public let values: [String: String]

    /// Reads `text`, the body or query as sent.
    public init(_ text: String) {
        var values: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(String(parts[0]))
            let value = parts.count > 1 ? Self.decode(String(parts[1])) : ""
            if values[name] == nil { values[name] = value }
        }
        self.values = values
    }

    /// The value of the field `name`, if sent.
    public subscript(_ name: String) -> String? { values[name] }

    /// `+` → space, `%XX` → byte; invalid escapes are kept as they are.
    public static func decode(_ text: String) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "+") {
                bytes.append(0x20)
            } else if byte == UInt8(ascii: "%"), utf8.count >= 2,
                let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
