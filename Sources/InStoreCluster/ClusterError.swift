/// Why the in-store cluster could not do what was asked.
public enum ClusterError: Error, CustomStringConvertible {
    /// A program of the package is not built.
    case missingExecutable(String)
    /// A process could not be started.
    case cannotStart(String, String)
    /// A process ended when it should be running; the last lines of its log.
    case exited(String, String)
    /// Something did not happen in time.
    case timedOut(String, String)
    /// A command of the set-up failed.
    case commandFailed(String, String)
    /// The register saw something it did not expect.
    case unexpected(String)

    public var description: String {
        switch self {
        case .missingExecutable(let name):
            return "\(name) is not built next to this program: run `swift build` first"
        case .cannotStart(let name, let reason):
            return "cannot start \(name): \(reason)"
        case .exited(let name, let tail):
            return "\(name) exited unexpectedly; its log ends with:\n\(tail)"
        case .timedOut(let name, let detail):
            return "\(name): timed out: \(detail)"
        case .commandFailed(let command, let output):
            return "`\(command)` failed:\n\(output)"
        case .unexpected(let detail):
            return detail
        }
    }
}
