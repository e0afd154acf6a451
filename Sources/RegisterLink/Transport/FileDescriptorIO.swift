#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Non-blocking read and write on a serial device's descriptor, shared by both transports.
///
/// Both transports read and write through the descriptor themselves: libserialport's blocking
/// read cannot tell a hang-up (the device shows readable and `read` returns 0) from a timeout,
/// and detecting that hang-up is what lets the link reopen a replugged adapter.
enum FileDescriptorIO {
    /// Reads up to `maximum` bytes; `[]` if none are waiting.
    static func readAvailable(_ fd: Int32, maximum: Int) throws(SerialTransportError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: maximum)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, maximum) }
            if count > 0 { return Array(buffer[..<count]) }
            if count == 0 { throw .hangUp(reason: "end of file") }
            let code = errno
            switch code {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return []
            case EIO, ENXIO, ENODEV, EBADF: throw .hangUp(reason: errorText(code))
            default: throw .readFailed(reason: errorText(code))
            }
        }
    }

    /// Writes every byte, polling for writability up to `timeoutMilliseconds` in all.
    static func writeAll(
        _ fd: Int32, _ bytes: [UInt8], path: String, timeoutMilliseconds: Int32 = 2000
    ) throws(SerialTransportError) {
        var offset = 0
        var waited: Int32 = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                Glibc.write(fd, raw.baseAddress! + offset, bytes.count - offset)
            }
            if written > 0 {
                offset += written
                continue
            }
            let code = errno
            switch code {
            case EINTR:
                continue
            case EAGAIN, EWOULDBLOCK:
                guard waited < timeoutMilliseconds else { throw .writeTimedOut(path: path) }
                var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&descriptor, 1, 50)
                waited += 50
            case EIO, ENXIO, ENODEV, EBADF, EPIPE:
                throw .hangUp(reason: errorText(code))
            default:
                throw .writeFailed(reason: errorText(code))
            }
        }
    }

    static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
