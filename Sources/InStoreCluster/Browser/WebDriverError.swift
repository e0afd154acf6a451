/// Why the browser could not do what was asked.
public enum WebDriverError: Error, CustomStringConvertible, Sendable {
    /// chromium or chromedriver is not installed where expected.
    case notInstalled(String)
    /// chromedriver did not start or answer.
    case driverUnavailable(String)
    /// A WebDriver command failed: the command, the W3C error and its message.
    case command(String, error: String, message: String)
    /// A wait ran out.
    case timedOut(String)

    public var description: String {
        switch self {
        case .notInstalled(let what):
            return "\(what) is not installed: apt-get install chromium chromium-driver"
        case .driverUnavailable(let why):
            return "chromedriver is not available: \(why)"
        case .command(let command, let error, let message):
            return "WebDriver \(command) failed: \(error): \(message.prefix(300))"
        case .timedOut(let what):
            return "timed out waiting for \(what)"
        }
    }
}
