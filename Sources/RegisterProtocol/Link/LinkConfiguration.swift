/// The timers and counters of the link layer (`hw/PROTOCOL.md` §3), with the protocol's defaults.
public struct LinkConfiguration: Equatable, Sendable {
    /// `T_byte`: the longest gap between two bytes of one frame.
    public var interByteTimeout: Duration
    /// `T_ack`: how long to wait for an ACK before sending a data frame again.
    public var ackTimeout: Duration
    /// `N_retry`: how many times a data frame is sent again after its first transmission.
    public var maximumRetransmissions: Int
    /// The largest payload accepted and sent.
    public var maximumPayloadSize: Int

    public init(
        interByteTimeout: Duration = .milliseconds(200),
        ackTimeout: Duration = .milliseconds(500),
        maximumRetransmissions: Int = 3,
        maximumPayloadSize: Int = Frame.maximumPayloadSize
    ) {
        self.interByteTimeout = interByteTimeout
        self.ackTimeout = ackTimeout
        self.maximumRetransmissions = maximumRetransmissions
        self.maximumPayloadSize = maximumPayloadSize
    }

    /// `T_dup`: how long the last accepted frame is remembered to recognise its retransmission.
    /// Long enough to cover every retransmission of it, plus a second.
    public var duplicateWindow: Duration {
        ackTimeout * (maximumRetransmissions + 1) + .seconds(1)
    }

    /// Checks that the values can work together.
    /// - Throws: ``LinkConfigurationError`` naming the setting to change.
    public func validate() throws(LinkConfigurationError) {
        guard interByteTimeout >= .milliseconds(10) else { throw .interByteTimeoutTooShort }
        guard ackTimeout > interByteTimeout else { throw .ackTimeoutNotAboveInterByteTimeout }
        guard (0...10).contains(maximumRetransmissions) else { throw .retransmissionsOutOfRange }
        guard (64...Frame.maximumPayloadSize).contains(maximumPayloadSize) else {
            throw .payloadSizeOutOfRange
        }
    }
}

/// A link configuration that cannot work, and what to change.
public enum LinkConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    case interByteTimeoutTooShort
    case ackTimeoutNotAboveInterByteTimeout
    case retransmissionsOutOfRange
    case payloadSizeOutOfRange

    public var description: String {
        switch self {
        case .interByteTimeoutTooShort:
            return "the inter-byte timeout must be at least 10 ms"
        case .ackTimeoutNotAboveInterByteTimeout:
            return "the ACK timeout must be longer than the inter-byte timeout"
        case .retransmissionsOutOfRange:
            return "the number of retransmissions must be between 0 and 10"
        case .payloadSizeOutOfRange:
            return "the maximum payload size must be between 64 and \(Frame.maximumPayloadSize) bytes"
        }
    }
}
