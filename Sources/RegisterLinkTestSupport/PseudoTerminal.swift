#if canImport(Glibc)
import Glibc
#endif

/// A pseudo-terminal pair for tests: the test holds the controller side, the code under test
/// opens ``devicePath`` like a serial device. Both ends are set to raw mode, so control bytes
/// (DLE, ETX, NAK, XON) pass untouched.
public final class PseudoTerminal: @unchecked Sendable {
    /// The controller (master) side's descriptor, non-blocking. Closing it hangs up the device side.
    public private(set) var controller: Int32
    /// The device (slave) side's path, for example `/dev/pts/7`.
    public let devicePath: String
    private var deviceHold: Int32

    /// Opens a new pair.
    /// - Parameter holdDeviceOpen: keep one descriptor of the device side open, so the controller
    ///   side never reads EIO while the code under test has not opened it yet.
    public init(holdDeviceOpen: Bool = true) throws {
        var controller: Int32 = -1
        var device: Int32 = -1
        var name = [CChar](repeating: 0, count: 128)
        guard openpty(&controller, &device, &name, nil, nil) == 0 else {
            throw PseudoTerminalError.openFailed(String(cString: strerror(errno)))
        }
        self.controller = controller
        self.devicePath = String(cString: name)
        for fd in [controller, device] {
            var options = termios()
            tcgetattr(fd, &options)
            cfmakeraw(&options)
            tcsetattr(fd, TCSANOW, &options)
        }
        _ = fcntl(controller, F_SETFL, fcntl(controller, F_GETFL) | O_NONBLOCK)
        _ = fcntl(controller, F_SETFD, FD_CLOEXEC)
        _ = fcntl(device, F_SETFD, FD_CLOEXEC)
        if holdDeviceOpen {
            deviceHold = device
        } else {
            Glibc.close(device)
            deviceHold = -1
        }
    }

    deinit { close() }

    /// Writes bytes on the controller side (they arrive at the device side).
    public func write(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes {
                Glibc.write(controller, $0.baseAddress! + offset, bytes.count - offset)
            }
            if n > 0 {
                offset += n
            } else if errno == EAGAIN || errno == EINTR {
                var descriptor = pollfd(fd: controller, events: Int16(POLLOUT), revents: 0)
                _ = poll(&descriptor, 1, 10)
            } else {
                return
            }
        }
    }

    /// Reads what the device side wrote, waiting up to `timeoutMilliseconds` for the first byte.
    public func read(timeoutMilliseconds: Int32) -> [UInt8] {
        var descriptor = pollfd(fd: controller, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, timeoutMilliseconds) > 0 else { return [] }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBytes { Glibc.read(controller, $0.baseAddress, 4096) }
        return n > 0 ? Array(buffer[..<n]) : []
    }

    /// Stops holding the device side open (so a hang-up can be produced by closing the controller).
    public func releaseDevice() {
        if deviceHold >= 0 { Glibc.close(deviceHold) }
        deviceHold = -1
    }

    /// Closes both sides: the code under test sees a hang-up.
    public func close() {
        releaseDevice()
        if controller >= 0 { Glibc.close(controller) }
        controller = -1
    }
}

/// A pseudo-terminal could not be made.
public enum PseudoTerminalError: Error, CustomStringConvertible {
    case openFailed(String)

    public var description: String {
        switch self {
        case .openFailed(let reason): "openpty failed: \(reason)"
        }
    }
}
