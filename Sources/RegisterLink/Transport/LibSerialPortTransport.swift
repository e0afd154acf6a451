import CLibSerialPort

#if canImport(Glibc)
import Glibc
#endif

/// A serial transport for real devices (USB-serial adapters, on-board UARTs) through libserialport.
///
/// libserialport opens the port (by path, including `/dev/serial/by-id/...` links, which it
/// resolves), takes it exclusively and sets baud rate, data bits, parity, stop bits and flow
/// control. Reads and writes then go through the port's descriptor (see ``FileDescriptorIO``), so
/// a hang-up is seen as such. It cannot open pseudo-terminals; use ``TermiosTransport`` for those.
public final class LibSerialPortTransport: SerialTransport, @unchecked Sendable {
    public let path: String
    public let settings: SerialSettings
    private var port: OpaquePointer?
    public private(set) var fileDescriptor: Int32?

    public init(path: String, settings: SerialSettings = SerialSettings()) {
        self.path = path
        self.settings = settings
    }

    deinit { close() }

    public func open() throws(SerialTransportError) {
        try settings.validate()
        close()
        guard access(path, F_OK) == 0 else { throw .notFound(path: path) }
        var found: OpaquePointer?
        guard sp_get_port_by_name(path, &found) == SP_OK, let found else {
            throw .openFailed(
                path: path,
                reason: "libserialport does not know this device (\(Self.lastError())); "
                    + "for a pseudo-terminal use --transport termios")
        }
        let result = sp_open(found, SP_MODE_READ_WRITE)
        guard result == SP_OK else {
            let reason = Self.lastError()
            sp_free_port(found)
            if result == SP_ERR_FAIL, reason.contains("ermission") { throw .permissionDenied(path: path) }
            throw .openFailed(path: path, reason: reason)
        }
        do throws(SerialTransportError) {
            try configure(found)
            var fd: Int32 = -1
            guard sp_get_port_handle(found, &fd) == SP_OK, fd >= 0 else {
                throw .configurationFailed(path: path, reason: "no file descriptor")
            }
            let flags = fcntl(fd, F_GETFL)
            _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
            if settings.exclusive {
                guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { throw .busy(path: path) }
            }
            sp_flush(found, SP_BUF_BOTH)
            port = found
            fileDescriptor = fd
        } catch {
            sp_close(found)
            sp_free_port(found)
            throw error
        }
    }

    private func configure(_ port: OpaquePointer) throws(SerialTransportError) {
        func check(_ result: sp_return, _ what: String) throws(SerialTransportError) {
            guard result == SP_OK else {
                throw .configurationFailed(path: path, reason: "\(what): \(Self.lastError())")
            }
        }
        try check(sp_set_baudrate(port, Int32(settings.baudRate)), "baud rate \(settings.baudRate)")
        try check(sp_set_bits(port, Int32(settings.dataBits)), "data bits \(settings.dataBits)")
        let parity: sp_parity =
            switch settings.parity {
            case .none: SP_PARITY_NONE
            case .odd: SP_PARITY_ODD
            case .even: SP_PARITY_EVEN
            }
        try check(sp_set_parity(port, parity), "parity \(settings.parity.rawValue)")
        try check(sp_set_stopbits(port, Int32(settings.stopBits)), "stop bits \(settings.stopBits)")
        let flow: sp_flowcontrol =
            switch settings.flowControl {
            case .none: SP_FLOWCONTROL_NONE
            case .rtsCts: SP_FLOWCONTROL_RTSCTS
            case .xonXoff: SP_FLOWCONTROL_XONXOFF
            }
        try check(sp_set_flowcontrol(port, flow), "flow control \(settings.flowControl.rawValue)")
    }

    public func close() {
        if let port {
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

    static func lastError() -> String {
        guard let message = sp_last_error_message() else { return "unknown error" }
        defer { sp_free_error_message(message) }
        return String(cString: message)
    }
}
