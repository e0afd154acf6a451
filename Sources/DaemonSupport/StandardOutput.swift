import Glibc

/// Lines for operators and scripts on standard output, written at once (no buffering), with
/// POSIX `write`: a daemon's "ready" lines must reach a supervisor reading its pipe.
public enum StandardOutput {
    /// Writes `line` and a line break; a closed or full pipe loses the line, never the daemon.
    public static func writeLine(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
    }
}
