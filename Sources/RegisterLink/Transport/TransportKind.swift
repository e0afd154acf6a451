#if canImport(Glibc)
import Glibc
#endif

/// Which transport drives a device.
public enum TransportKind: String, CaseIterable, Sendable {
    /// termios for pseudo-terminals, libserialport for everything else.
    case auto
    /// POSIX termios (works for ptys and real ttys).
    case termios
    /// libserialport (real serial devices only).
    case libserialport

    /// The transport this kind picks for `path`.
    public func resolved(for path: String) -> TransportKind {
        guard self == .auto else { return self }
        return Self.isPseudoTerminal(path) ? .termios : .libserialport
    }

    /// Whether `path` (after following links) is a pseudo-terminal.
    public static func isPseudoTerminal(_ path: String) -> Bool {
        guard let resolved = realpath(path, nil) else { return path.hasPrefix("/dev/pts/") }
        defer { free(resolved) }
        let target = String(cString: resolved)
        return target.hasPrefix("/dev/pts/") || target == "/dev/ptmx"
    }

    /// Makes the transport for `path`.
    public func makeTransport(path: String, settings: SerialSettings) -> any SerialTransport {
        switch resolved(for: path) {
        case .libserialport: LibSerialPortTransport(path: path, settings: settings)
        default: TermiosTransport(path: path, settings: settings)
        }
    }
}
