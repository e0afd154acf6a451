import Glibc

/// A small text file read whole with POSIX calls: a daemon's configuration and key files. Its
/// error says why in the system's words ("No such file or directory"), which Foundation's
/// essentials do not offer.
public enum TextFile {
    /// Why a file could not be read.
    public struct ReadError: Error, CustomStringConvertible {
        /// The system's reason, or that the text is not UTF-8 or too large.
        public let description: String
    }

    /// Files larger than this are refused: configuration and keys are a few KiB.
    public static let maximumSize = 1 << 20

    /// The file's whole text.
    /// - Throws: ``ReadError`` when it cannot be opened or read, is larger than ``maximumSize``
    ///   or is not UTF-8.
    public static func read(_ path: String) throws(ReadError) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ReadError(description: Self.systemReason()) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 8192)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ReadError(description: Self.systemReason())
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            guard bytes.count <= maximumSize else {
                throw ReadError(description: "larger than \(maximumSize / 1024) KiB")
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ReadError(description: "not UTF-8 text")
        }
        return text
    }

    private static func systemReason() -> String {
        String(cString: strerror(errno))
    }
}
