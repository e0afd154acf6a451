import CLibSerialPort

#if canImport(Glibc)
import Glibc
#endif

/// A serial transport for real devices (USB-serial adapters, on-board UARTs) through libserialport.
///
/// Opening follows these steps:
/// 1. The path is resolved (`realpath`): libserialport 0.1.1 finds a port's details in
///    `/sys/class/tty/<name after /dev/>`, so a `/dev/serial/by-id/...` link must become
///    `/dev/ttyUSB0` before libserialport sees it. ``path`` keeps the name as given, so a
///    reopen after replugging resolves the link again.
/// 2. With ``SerialSettings/exclusive``, a `flock` on a guard descriptor is taken *before*
///    libserialport opens and reconfigures the line, so a port in use by another process is left
///    untouched; the lock then moves to libserialport's descriptor, which also gets `TIOCEXCL`
///    (other opens fail with `EBUSY`, except for root) until ``close()``.
/// 3. libserialport sets baud rate, data bits, parity, stop bits and flow control; then what it
///    gets wrong is corrected (RTS/CTS lands in the wrong flag word in 0.1.1, `IXANY` and echo
///    flags are left on) and the baud rate is read back.
///
/// Reads and writes go through the port's descriptor (see ``FileDescriptorIO``), so a hang-up is
/// seen as such. libserialport cannot open pseudo-terminals (they are not in `/sys/class/tty` and
/// have no modem lines); use ``TermiosTransport`` for those.
public final class LibSerialPortTransport: SerialTransport, @unchecked Sendable {
    public let path: String
    public let settings: SerialSettings
    private var port: OpaquePointer?
    public private(set) var fileDescriptor: Int32?

    /// Makes a closed transport; nothing is touched before ``open()``.
    public init(path: String, settings: SerialSettings = SerialSettings()) {
        self.path = path
        self.settings = settings
    }

    deinit { close() }

    /// Opens, locks and configures the device.
    /// - Throws: ``SerialTransportError`` whose description tells the operator what to check:
    ///   ``SerialTransportError/notFound(path:)``, ``SerialTransportError/permissionDenied(path:)``,
    ///   ``SerialTransportError/busy(path:)``, ``SerialTransportError/notATerminal(path:)``,
    ///   ``SerialTransportError/openFailed(path:reason:)`` (a pseudo-terminal: use
    ///   `--transport termios`) or ``SerialTransportError/configurationFailed(path:reason:)``.
    public func open() throws(SerialTransportError) {
        try settings.validate()
        close()
        let device = try resolvedDevice()
        let isPseudoTerminal = TransportKind.isPseudoTerminal(device)
        var found: OpaquePointer?
        guard sp_get_port_by_name(device, &found) == SP_OK, let found else {
            throw unknownToLibSerialPort(device, isPseudoTerminal: isPseudoTerminal, reason: Self.lastError())
        }
        var guardDescriptor: Int32 = -1
        defer { if guardDescriptor >= 0 { Glibc.close(guardDescriptor) } }
        if settings.exclusive {
            do throws(SerialTransportError) {
                guardDescriptor = try lockGuard(device)
            } catch {
                sp_free_port(found)
                throw error
            }
        }
        guard sp_open(found, SP_MODE_READ_WRITE) == SP_OK else {
            let code = sp_last_error_code()
            let reason = Self.lastError()
            sp_free_port(found)
            throw openError(code, reason: reason, device: device, isPseudoTerminal: isPseudoTerminal)
        }
        do throws(SerialTransportError) {
            var fd: Int32 = -1
            guard sp_get_port_handle(found, &fd) == SP_OK, fd >= 0 else {
                throw .configurationFailed(path: path, reason: "libserialport gave no file descriptor")
            }
            // libserialport 0.1.1 opens without O_CLOEXEC; never leak the line into child processes.
            _ = fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            if settings.exclusive {
                _ = flock(guardDescriptor, LOCK_UN)
                guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { throw .busy(path: path) }
                _ = ioctl(fd, UInt(TIOCEXCL))
            }
            try configure(found)
            try finishLineSettings(fd, found)
            sp_flush(found, SP_BUF_BOTH)
            port = found
            fileDescriptor = fd
        } catch {
            var fd: Int32 = -1
            if settings.exclusive, sp_get_port_handle(found, &fd) == SP_OK, fd >= 0 {
                _ = ioctl(fd, UInt(TIOCNXCL))  // the flag would outlive this descriptor
            }
            sp_close(found)
            sp_free_port(found)
            throw error
        }
    }

    /// The device behind ``path`` (links resolved), checked to be a character device under `/dev`.
    private func resolvedDevice() throws(SerialTransportError) -> String {
        guard let resolved = realpath(path, nil) else {
            let code = errno
            if code == EACCES { throw .permissionDenied(path: path) }
            throw .notFound(path: path)
        }
        let device = String(cString: resolved)
        free(resolved)
        var info = stat()
        guard stat(device, &info) == 0 else { throw .notFound(path: path) }
        guard info.st_mode & S_IFMT == S_IFCHR, device.hasPrefix("/dev/") else {
            throw .notATerminal(path: device == path ? path : "\(path) (\(device))")
        }
        guard access(device, R_OK | W_OK) == 0 else {
            let code = errno
            if code == EACCES || code == EPERM || code == EROFS { throw .permissionDenied(path: path) }
            throw .openFailed(path: path, reason: FileDescriptorIO.errorText(code))
        }
        return device
    }

    /// Opens `device` once more and takes the exclusive `flock` on it, before libserialport
    /// touches the line settings. The caller closes the returned descriptor.
    private func lockGuard(_ device: String) throws(SerialTransportError) -> Int32 {
        let fd = Glibc.open(device, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw openError(errno, reason: nil, device: device, isPseudoTerminal: false) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            Glibc.close(fd)
            throw .busy(path: path)
        }
        return fd
    }

    private func configure(_ port: OpaquePointer) throws(SerialTransportError) {
        func check(_ result: sp_return, _ what: String, hint: String) throws(SerialTransportError) {
            guard result == SP_OK else {
                throw .configurationFailed(path: path, reason: "\(what): \(Self.lastError()); \(hint)")
            }
        }
        try check(
            sp_set_baudrate(port, Int32(settings.baudRate)), "baud rate \(settings.baudRate)",
            hint: "the adapter may not support this rate: try a lower --baud (115200 is the default)")
        try check(
            sp_set_bits(port, Int32(settings.dataBits)), "data bits \(settings.dataBits)",
            hint: "the protocol needs 8 data bits")
        let parity: sp_parity =
            switch settings.parity {
            case .none: SP_PARITY_NONE
            case .odd: SP_PARITY_ODD
            case .even: SP_PARITY_EVEN
            }
        try check(
            sp_set_parity(port, parity), "parity \(settings.parity.rawValue)",
            hint: "the adapter may not support parity: use --parity none on both ends")
        try check(
            sp_set_stopbits(port, Int32(settings.stopBits)), "stop bits \(settings.stopBits)",
            hint: "use 1 stop bit on both ends")
        let flow: sp_flowcontrol =
            switch settings.flowControl {
            case .none: SP_FLOWCONTROL_NONE
            case .rtsCts: SP_FLOWCONTROL_RTSCTS
            case .xonXoff: SP_FLOWCONTROL_XONXOFF
            }
        try check(
            sp_set_flowcontrol(port, flow), "flow control \(settings.flowControl.rawValue)",
            hint: "the adapter may lack RTS/CTS lines: use --flow-control none")
    }

    /// Corrects what libserialport 0.1.1 gets wrong or leaves behind, changing only the flag
    /// words so that the baud rate it set stays:
    /// - RTS/CTS: 0.1.1 puts `CRTSCTS` into `c_iflag` instead of `c_cflag`, so hardware flow
    ///   control is silently never enabled on Linux. It is set (or cleared) in `c_cflag` here.
    /// - `IXANY`: with XON/XOFF, any received byte would restart output stopped by XOFF.
    /// - input translations and echo flags, so the line is fully raw.
    ///
    /// Then the baud rate is read back through libserialport and must be within 3 % of the one
    /// asked for (the tolerance of a UART).
    private func finishLineSettings(_ fd: Int32, _ port: OpaquePointer) throws(SerialTransportError) {
        var options = termios()
        guard tcgetattr(fd, &options) == 0 else {
            throw .configurationFailed(path: path, reason: "tcgetattr: \(FileDescriptorIO.errorText(errno))")
        }
        let hardwareFlow = tcflag_t(0o20000000000)  // CRTSCTS
        let before = (options.c_iflag, options.c_oflag, options.c_cflag, options.c_lflag)
        options.c_iflag &=
            ~(hardwareFlow | tcflag_t(IXANY | IGNBRK | BRKINT | INLCR | IGNCR | ICRNL | ISTRIP))
        options.c_oflag &= ~tcflag_t(OPOST)
        if settings.flowControl == .rtsCts {
            options.c_cflag |= hardwareFlow
        } else {
            options.c_cflag &= ~hardwareFlow
        }
        options.c_lflag &= ~tcflag_t(
            ECHO | ECHOE | ECHOK | ECHONL | ECHOCTL | ECHOKE | ICANON | ISIG | IEXTEN)
        if before != (options.c_iflag, options.c_oflag, options.c_cflag, options.c_lflag) {
            guard tcsetattr(fd, TCSANOW, &options) == 0 else {
                throw .configurationFailed(
                    path: path, reason: "tcsetattr: \(FileDescriptorIO.errorText(errno))")
            }
        }
        try checkBaudRate(port)
    }

    private func checkBaudRate(_ port: OpaquePointer) throws(SerialTransportError) {
        var config: OpaquePointer?
        guard sp_new_config(&config) == SP_OK, let config else { return }
        defer { sp_free_config(config) }
        var actual: Int32 = 0
        guard sp_get_config(port, config) == SP_OK, sp_get_config_baudrate(config, &actual) == SP_OK else {
            throw .configurationFailed(
                path: path, reason: "cannot read the line settings back: \(Self.lastError())")
        }
        let wanted = settings.baudRate
        guard abs(Int(actual) - wanted) * 100 <= wanted * 3 else {
            throw .configurationFailed(
                path: path,
                reason: "asked for \(wanted) baud, the device runs at \(actual); try another --baud")
        }
    }

    /// Closes the device and gives up the exclusive claim; harmless when it is not open.
    public func close() {
        if let port {
            if settings.exclusive, let fd = fileDescriptor { _ = ioctl(fd, UInt(TIOCNXCL)) }
            sp_close(port)
            sp_free_port(port)
        }
        port = nil
        fileDescriptor = nil
    }

    public func readAvailable(maximum: Int) throws(SerialTransportError) -> [UInt8] {
        guard let fd = fileDescriptor else { throw .notOpen }
        return try FileDescriptorIO.readAvailable(fd, maximum: maximum)
    }

    public func write(_ bytes: [UInt8]) throws(SerialTransportError) {
        guard let fd = fileDescriptor else { throw .notOpen }
        try FileDescriptorIO.writeAll(fd, bytes, path: path)
    }

    /// The error for a device that `sp_get_port_by_name` does not know.
    private func unknownToLibSerialPort(
        _ device: String, isPseudoTerminal: Bool, reason: String
    )
        -> SerialTransportError
    {
        if isPseudoTerminal {
            return .openFailed(
                path: path,
                reason: "\(device) is a pseudo-terminal, which libserialport 0.1.1 cannot open "
                    + "(it is not in /sys/class/tty); use --transport termios (or --transport auto)")
        }
        return .openFailed(
            path: path,
            reason: "libserialport finds no serial port \(device) in /sys/class/tty (\(reason)); "
                + "check the name with --list-ports, or try --transport termios")
    }

    /// Maps the `errno` of a failed open to what the operator should do.
    private func openError(
        _ code: Int32, reason: String?, device: String, isPseudoTerminal: Bool
    )
        -> SerialTransportError
    {
        let text = reason ?? FileDescriptorIO.errorText(code)
        switch code {
        case EACCES, EPERM: return .permissionDenied(path: path)
        case EBUSY: return .busy(path: path)
        case ENOENT, ENODEV, ENXIO: return .notFound(path: path)
        case ENOTTY, EINVAL:
            if isPseudoTerminal {
                return .openFailed(
                    path: path,
                    reason: "\(device) is a pseudo-terminal without modem lines (\(text)), which "
                        + "libserialport 0.1.1 cannot open; use --transport termios (or --transport auto)")
            }
            return .openFailed(
                path: path,
                reason: "\(device) does not answer serial-port requests (\(text)); is it a serial port?")
        case EIO:
            return .openFailed(
                path: path, reason: "I/O error from the device (\(text)); unplug and replug the adapter")
        default:
            return .openFailed(path: path, reason: text)
        }
    }

    /// libserialport's message for the last failed call, freed after copying.
    static func lastError() -> String {
        guard let message = sp_last_error_message() else { return "unknown error" }
        defer { sp_free_error_message(message) }
        return String(cString: message)
    }
}
