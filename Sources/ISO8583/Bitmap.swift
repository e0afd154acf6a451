/// The primary and optional secondary bitmap: bit *n* (counted from 1, most significant first) set
/// means field *n* is present. Bit 1 set means a secondary bitmap follows.
struct Bitmap {
    var primary: [UInt8]
    var secondary: [UInt8]?

    init() {
        primary = Array(repeating: 0, count: 8)
        secondary = nil
    }

    init(primary: ArraySlice<UInt8>) {
        self.primary = Array(primary)
        self.secondary = nil
    }

    var hasSecondary: Bool { primary[0] & 0x80 != 0 }

    mutating func set(_ field: Int) {
        precondition((2...128).contains(field), "field numbers run from 2 to 128")
        if field > 64 {
            if secondary == nil { secondary = Array(repeating: 0, count: 8) }
            secondary![(field - 65) / 8] |= 0x80 >> UInt8((field - 65) % 8)
            primary[0] |= 0x80
        } else {
            primary[(field - 1) / 8] |= 0x80 >> UInt8((field - 1) % 8)
        }
    }

    func isSet(_ field: Int) -> Bool {
        if field > 64 {
            guard let secondary else { return false }
            return secondary[(field - 65) / 8] & (0x80 >> UInt8((field - 65) % 8)) != 0
        }
        return primary[(field - 1) / 8] & (0x80 >> UInt8((field - 1) % 8)) != 0
    }

    /// Every field whose bit is set, ascending, including 1 when a secondary bitmap is announced.
    var setFields: [Int] {
        let last = secondary == nil ? 64 : 128
        return (1...last).filter(isSet)
    }

    var bytes: [UInt8] { primary + (secondary ?? []) }
}
