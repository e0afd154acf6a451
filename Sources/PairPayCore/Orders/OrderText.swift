/// The character rules for identifiers and receipt text in orders and settlement requests.
enum OrderText {
    /// 1…`maxBytes` printable ASCII characters (0x21–0x7E): no spaces, no control characters.
    static func isToken(_ value: String, maxBytes: Int) -> Bool {
        let utf8 = value.utf8
        return (1...maxBytes).contains(utf8.count) && utf8.allSatisfy { $0 >= 0x21 && $0 <= 0x7E }
    }

    /// 1…`maxBytes` characters from RFC 3986's unreserved set (`A–Z a–z 0–9 - . _ ~`), and not
    /// `.` or `..`: an identifier that stands in a URL path as it is, never percent-encoded, never
    /// taken for a path step.
    static func isIdentifier(_ value: String, maxBytes: Int) -> Bool {
        let utf8 = value.utf8
        guard (1...maxBytes).contains(utf8.count), value != ".", value != ".." else { return false }
        return utf8.allSatisfy(isUnreserved)
    }

    /// What ``isIdentifier(_:maxBytes:)`` allows, said for error messages.
    static func identifierRule(maxBytes: Int) -> String {
        "must be 1–\(maxBytes) characters from A–Z a–z 0–9 - . _ ~ (not . or ..)"
    }

    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2D, 0x2E, 0x5F, 0x7E: return true
        default: return false
        }
    }

    /// 1…`maxBytes` UTF-8 bytes with no control characters (C0, DEL, C1).
    static func isDisplayText(_ value: String, maxBytes: Int) -> Bool {
        guard (1...maxBytes).contains(value.utf8.count) else { return false }
        return value.unicodeScalars.allSatisfy { scalar in
            !(scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value))
        }
    }

    /// Exactly 64 lowercase hexadecimal digits (a SHA-256 digest as PairPay writes it).
    static func isDigestHex(_ value: String) -> Bool {
        value.utf8.count == 64
            && value.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }
}
