/// The primary and optional secondary bitmap the encoder writes: bit *n* (counted from 1, most
/// significant first) set means field *n* is present. Bit 1 set means a secondary bitmap follows.
/// (The decoder reads the bitmap as two 64-bit words.)
struct Bitmap {
    var primary: [UInt8]
    var secondary: [UInt8]?

    init() {
        primary = Array(repeating: 0, count: 8)
        secondary = nil
    }

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

    var bytes: [UInt8] { primary + (secondary ?? []) }
}
