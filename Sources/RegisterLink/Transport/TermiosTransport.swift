#if canImport(Glibc)
import Glibc
#endif

/// A serial transport over POSIX termios, for pseudo-terminals (`/dev/pts/N` and links to them).
///
/// libserialport 0.1.1 cannot open a pty: pts devices are not in sysfs and `TIOCMGET` fails on
/// them. This transport opens the device non-blocking, sets raw mode with `cfmakeraw` (so DLE, ETX
/// and NAK bytes pass untouched), the baud rate, parity, stop bits and flow control, and takes an
/// exclusive lock when asked.
public final class TermiosTransport: SerialTransport, @unchecked Sendable {
    public let path: String
    public let settings: SerialSettings
    public private(set) var fileDescriptor: Int32?

    public init(path: String, settings: SerialSettings = SerialSettings()) {
        self.path = path
        self.settings = settings
    }

    deinit { close() }

    public func open() throws(SerialTransportError) {
        try settings.validate()
        close()
        let fd = Glibc.open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw Self.openError(errno, path: path) }
        do throws(SerialTransportError) {
            try configure(fd)
            fileDescriptor = fd
        } catch {
            Glibc.close(fd)
            throw error
        }
    }

    private func configure(_ fd: Int32) throws(SerialTransportError) {
        guard isatty(fd) == 1 else { throw .notATerminal(path: path) }
        if settings.exclusive {
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { throw .busy(path: path) }
        }
        var options = termios()
        guard tcgetattr(fd, &options) == 0 else {
            throw .configurationFailed(path: path, reason: FileDescriptorIO.errorText(errno))
        }
        cfmakeraw(&options)
        let speed = try Self.speed(for: settings.baudRate)
        cfsetispeed(&options, speed)
        cfsetospeed(&options, speed)
        options.c_cflag &= ~tcflag_t(CSIZE)
        switch settings.dataBits {
        case 5: options.c_cflag |= tcflag_t(CS5)
        case 6: options.c_cflag |= tcflag_t(CS6)
        case 7: options.c_cflag |= tcflag_t(CS7)
        default: options.c_cflag |= tcflag_t(CS8)
        }
        options.c_cflag &= ~tcflag_t(PARENB | PARODD)
        switch settings.parity {
        case .none: break
        case .odd: options.c_cflag |= tcflag_t(PARENB | PARODD)
        case .even: options.c_cflag |= tcflag_t(PARENB)
        }
        if settings.stopBits == 2 {
            options.c_cflag |= tcflag_t(CSTOPB)
        } else {
            options.c_cflag &= ~tcflag_t(CSTOPB)
        }
        let hardwareFlow = tcflag_t(0o20000000000)  // CRTSCTS
        options.c_cflag &= ~hardwareFlow
        options.c_iflag &= ~tcflag_t(IXON | IXOFF | IXANY)
        switch settings.flowControl {
        case .none: break
        case .rtsCts: options.c_cflag |= hardwareFlow
        case .xonXoff: options.c_iflag |= tcflag_t(IXON | IXOFF)
        }
        options.c_cflag |= tcflag_t(CLOCAL | CREAD)
        withUnsafeMutableBytes(of: &options.c_cc) { cc in
            cc[Int(VMIN)] = 0
            cc[Int(VTIME)] = 0
        }
        guard tcsetattr(fd, TCSANOW, &options) == 0 else {
            throw .configurationFailed(path: path, reason: FileDescriptorIO.errorText(errno))
        }
        tcflush(fd, TCIOFLUSH)
    }

    public func close() {
        if let fd = fileDescriptor {
            Glibc.close(fd)
            fileDescriptor = nil
        }
    }

    public func readAvailable(maximum: Int) throws(SerialTransportError) -> [UInt8] {
        guard let fd = fileDescriptor else { throw .notOpen }
        return try FileDescriptorIO.readAvailable(fd, maximum: maximum)
    }

    public func write(_ bytes: [UInt8]) throws(SerialTransportError) {
        guard let fd = fileDescriptor else { throw .notOpen }
        try FileDescriptorIO.writeAll(fd, bytes, path: path)
    }

    static func openError(_ code: Int32, path: String) -> SerialTransportError {
        switch code {
        case ENOENT, ENXIO, ENODEV: .notFound(path: path)
        case EACCES, EPERM: .permissionDenied(path: path)
        case EBUSY: .busy(path: path)
        default: .openFailed(path: path, reason: FileDescriptorIO.errorText(code))
        }
    }

    static func speed(for baudRate: Int) throws(SerialTransportError) -> speed_t {
        let table: [Int: Int32] = [
            1200: B1200, 2400: B2400, 4800: B4800, 9600: B9600, 19200: B19200, 38400: B38400,
            57600: B57600, 115200: B115200, 230400: B230400, 460800: B460800, 500000: B500000,
            576000: B576000, 921600: B921600,
        ]
        guard let speed = table[baudRate] else {
            throw .unsupportedSetting("baud rate \(baudRate) is not supported")
        }
        return speed_t(speed)
    }
}
