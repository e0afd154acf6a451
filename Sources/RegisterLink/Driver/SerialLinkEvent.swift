import RegisterProtocol

/// What the link driver reports to the application.
public enum SerialLinkEvent: Equatable, Sendable {
    /// The device is open and the link is ready.
    case opened(path: String)
    /// The device was lost (hang-up or error); it will be reopened with back-off.
    case closed(reason: String)
    /// The device could not be opened; the next attempt follows after `retryIn`.
    case openFailed(reason: String, retryIn: Duration)
    /// A new data frame from the register (already acknowledged, duplicates removed).
    case received(Frame)
    /// The register acknowledged the frame sent with this token.
    case delivered(token: UInt64)
    /// The frame sent with this token was given up.
    case failed(token: UInt64, reason: LinkFailure)
}
