/// A gateway setting that cannot be used; the message names the option and what to do.
public enum StoreGatewayConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The option's value is not acceptable.
    case invalid(option: String, reason: String)
    /// The option is needed with the other settings given.
    case missing(option: String, reason: String)
    /// The file the option names cannot be used.
    case unreadable(option: String, path: String, reason: String)
    /// A secret file can be read by other users.
    case tooOpen(option: String, path: String, mode: String)

    public var description: String {
        switch self {
        case .invalid(let option, let reason):
            return "--\(option): \(reason)"
        case .missing(let option, let reason):
            return "--\(option) is required \(reason)"
        case .unreadable(let option, let path, let reason):
            return "--\(option) \(path): \(reason)"
        case .tooOpen(let option, let path, let mode):
            return
                "--\(option) \(path) is readable by other users (mode \(mode)): it holds a secret; run 'chmod 600 \(path)'"
        }
    }
}
