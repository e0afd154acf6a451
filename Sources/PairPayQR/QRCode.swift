import CQRencode

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A QR code symbol (ISO/IEC 18004, model 2) made by libqrencode: its version and its matrix of modules.
///
/// The text is encoded in byte mode as its UTF-8 bytes, exactly as given (case kept, no mode
/// switching), in the smallest version that holds it at the chosen error correction level. The
/// matrix is copied out of libqrencode, so a `QRCode` is a plain value. Draw it with
/// `terminalText(quietZone:)`, `svg(moduleSize:quietZone:title:)` or `png(moduleSize:quietZone:)`.
/// Codes may be made on several threads at once: Debian's libqrencode is built with its pthread
/// locks.
public struct QRCode: Equatable, Hashable, Sendable {
    /// The symbol's version, 1–40; version *v* is 17 + 4*v* modules per side.
    public let version: Int
    /// Modules per side, without the quiet zone.
    public let size: Int
    /// The error correction level the symbol was made with.
    public let errorCorrection: QRErrorCorrection
    /// Row by row from the top left, `size` × `size`: true for a dark module.
    private let modules: [Bool]

    /// Encodes `text` as a QR code in byte mode, in the smallest version that holds it.
    ///
    /// - Throws: `QRCodeError.emptyText` for an empty text, `QRCodeError.textTooLong` when its UTF-8
    ///   bytes do not fit even version 40 at `errorCorrection`, `QRCodeError.encodingFailed` if
    ///   libqrencode fails otherwise (out of memory).
    public init(text: String, errorCorrection: QRErrorCorrection = .medium) throws(QRCodeError) {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { throw .emptyText }
        guard bytes.count <= Int(Int32.max) else {
            throw .textTooLong(byteCount: bytes.count, errorCorrection: errorCorrection)
        }
        errno = 0
        let encoded = bytes.withUnsafeBufferPointer { buffer in
            // Version 0: libqrencode picks the smallest version that fits.
            QRcode_encodeData(
                Int32(buffer.count), buffer.baseAddress, 0, errorCorrection.libqrencodeLevel)
        }
        guard let encoded else {
            let code = errno
            if code == ERANGE {
                throw .textTooLong(byteCount: bytes.count, errorCorrection: errorCorrection)
            }
            throw .encodingFailed(errno: code)
        }
        defer { QRcode_free(encoded) }
        let width = Int(encoded.pointee.width)
        // Each byte describes one module; bit 0 is set for a dark one (the other bits say what
        // the module belongs to: finder pattern, timing, format information, data).
        let data = UnsafeBufferPointer(start: encoded.pointee.data, count: width * width)
        self.version = Int(encoded.pointee.version)
        self.size = width
        self.errorCorrection = errorCorrection
        self.modules = data.map { $0 & 1 == 1 }
    }

    /// Whether the module in column `x` and row `y` (both 0..<`size`, from the top left) is dark.
    ///
    /// - Precondition: `x` and `y` are in 0..<`size`.
    public func isDark(x: Int, y: Int) -> Bool {
        precondition(
            (0..<size).contains(x) && (0..<size).contains(y),
            "module (\(x), \(y)) is outside the \(size)×\(size) symbol")
        return modules[y * size + x]
    }

    /// Whether the module at (`x`, `y`) of the symbol with a quiet zone of `quietZone` modules around
    /// it is dark: coordinates are those of the whole image, and the quiet zone is light.
    func isDark(x: Int, y: Int, quietZone: Int) -> Bool {
        let column = x - quietZone
        let row = y - quietZone
        guard (0..<size).contains(column), (0..<size).contains(row) else { return false }
        return modules[row * size + column]
    }
}
