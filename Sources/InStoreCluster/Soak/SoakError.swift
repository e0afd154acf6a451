/// Why a soak run or its reconciliation could not be carried out (violations are not errors:
/// they are findings, in ``SoakReport``).
public enum SoakError: Error, CustomStringConvertible {
    /// A file of the run cannot be read.
    case unreadable(String, String)
    /// An option is out of range.
    case invalidOption(String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return
                "cannot read \(path): \(reason); run the soak with --keep and look at the file, or start again"
        case .invalidOption(let detail):
            return "\(detail); see `pairpay soak --help`"
        }
    }
}
