/// Something the link state machine asks its driver to do or to know.
public enum LinkOutput: Equatable, Sendable {
    /// Write these bytes to the line now.
    case write([UInt8], LinkTrace)
    /// A new data frame from the peer, already acknowledged: hand it to the application.
    case deliver(Frame)
    /// The peer acknowledged the data frame sent for this token.
    case acknowledged(token: UInt64)
    /// The data frame for this token was given up (no ACK after every retransmission, or the link
    /// was reset); the application decides what that means.
    case failed(token: UInt64, reason: LinkFailure)
    /// Something worth a log line or a counter; no action needed.
    case notice(LinkNotice)
}

/// What a written frame is, for the frame trace.
public enum LinkTrace: Equatable, Sendable {
    case data(Frame, attempt: Int)
    case ack(UInt8)
    case nak
}

/// Why a data frame was given up.
public enum LinkFailure: Equatable, Sendable, CustomStringConvertible {
    case noAcknowledgement(transmissions: Int)
    case linkReset
    case payloadTooLarge(Int)
    /// A droppable frame (PROGRESS) was not queued because an earlier frame was still unacknowledged.
    case droppedWhileBusy

    public var description: String {
        switch self {
        case .noAcknowledgement(let transmissions): return "no ACK after \(transmissions) transmissions"
        case .linkReset: return "the link was reset before the frame was acknowledged"
        case .payloadTooLarge(let size): return "payload of \(size) bytes exceeds the maximum"
        case .droppedWhileBusy: return "dropped: an earlier frame was still unacknowledged"
        }
    }
}

/// Events on the link that need no action but are worth reporting.
public enum LinkNotice: Equatable, Sendable {
    case damagedFrame(FrameDecoder.DamageReason)
    case droppedPartialFrame(FrameDecoder.DropReason)
    case duplicateFrame(sequence: UInt8)
    case staleAck(sequence: UInt8)
    case nakReceived
    case retransmission(sequence: UInt8, attempt: Int)
}
