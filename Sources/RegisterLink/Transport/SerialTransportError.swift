/// Why a serial device could not be opened, configured, read or written. Each description says
/// what to check.
public enum SerialTransportError: Error, Equatable, Sendable, CustomStringConvertible {
    case notFound(path: String)
    case permissionDenied(path: String)
    case busy(path: String)
    case notATerminal(path: String)
    case unsupportedSetting(String)
    case openFailed(path: String, reason: String)
    case configurationFailed(path: String, reason: String)
    case hangUp(reason: String)
    case readFailed(reason: String)
    case writeFailed(reason: String)
    case writeTimedOut(path: String)
    case notOpen
    case listingFailed(reason: String)

    public var description: String {
        switch self {
        case .notFound(let path):
            return
                "\(path) does not exist: check the cable and the udev rule, or list ports with --list-ports"
        case .permissionDenied(let path):
            return
                "no permission to open \(path): add the user to the dialout group (or the group of the udev rule)"
        case .busy(let path):
            return "\(path) is in use by another process (exclusive open refused); stop the other program"
        case .notATerminal(let path):
            return "\(path) is not a serial device or terminal"
        case .unsupportedSetting(let text):
            return text
        case .openFailed(let path, let reason):
            return "cannot open \(path): \(reason)"
        case .configurationFailed(let path, let reason):
            return "cannot configure \(path): \(reason)"
        case .hangUp(let reason):
            return "the line hung up (\(reason)); it will be reopened"
        case .readFailed(let reason):
            return "read from the line failed: \(reason)"
        case .writeFailed(let reason):
            return "write to the line failed: \(reason)"
        case .writeTimedOut(let path):
            return
                "write to \(path) did not complete: is flow control holding the line (check RTS/CTS wiring)?"
        case .notOpen:
            return "the device is not open"
        case .listingFailed(let reason):
            return "cannot list serial ports: \(reason)"
        }
    }
}
