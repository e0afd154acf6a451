#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a text could not be made into a QR code.
public enum QRCodeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text is empty: there is nothing to encode.
    case emptyText
    /// The text's UTF-8 bytes (the count) are more than the largest QR code holds at the level.
    case textTooLong(byteCount: Int, errorCorrection: QRErrorCorrection)
    /// libqrencode failed for another reason; the `errno` it left.
    case encodingFailed(errno: Int32)

    public var description: String {
        switch self {
        case .emptyText:
            return "the text for the QR code is empty; give at least one character to encode"
        case .textTooLong(let byteCount, let level):
            return """
                the text is \(byteCount) bytes in UTF-8, more than a QR code holds at error correction \
                \(level.letter) (at most \(level.byteCapacity) bytes); shorten it or choose a lower \
                error correction level
                """
        case .encodingFailed(let code):
            let reason = strerror(code).map { String(cString: $0) } ?? "unknown error"
            return "libqrencode could not encode the text (errno \(code): \(reason)); try again"
        }
    }
}
