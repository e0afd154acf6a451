import CQRencode

/// How much of a QR code may be damaged or hidden and still be read: the four levels of ISO/IEC 18004.
///
/// A higher level survives more damage but needs a larger symbol for the same text.
public enum QRErrorCorrection: String, CaseIterable, Equatable, Hashable, Sendable {
    /// Level L: about 7 % of the codewords can be restored.
    case low
    /// Level M: about 15 % of the codewords can be restored.
    case medium
    /// Level Q: about 25 % of the codewords can be restored.
    case quartile
    /// Level H: about 30 % of the codewords can be restored.
    case high

    /// The level's letter in the standard: L, M, Q or H.
    public var letter: Character {
        switch self {
        case .low: "L"
        case .medium: "M"
        case .quartile: "Q"
        case .high: "H"
        }
    }

    /// The most bytes a QR code (version 40) holds in byte mode at this level: 2953, 2331, 1663, 1273.
    public var byteCapacity: Int {
        switch self {
        case .low: 2953
        case .medium: 2331
        case .quartile: 1663
        case .high: 1273
        }
    }

    /// libqrencode's name for the level.
    var libqrencodeLevel: QRecLevel {
        switch self {
        case .low: QR_ECLEVEL_L
        case .medium: QR_ECLEVEL_M
        case .quartile: QR_ECLEVEL_Q
        case .high: QR_ECLEVEL_H
        }
    }
}
