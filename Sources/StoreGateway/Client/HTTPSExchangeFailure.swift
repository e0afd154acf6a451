/// What went wrong in an exchange with settlementd, where no error of NIO's says it.
enum HTTPSExchangeFailure: Error, CustomStringConvertible {
    /// The connection closed before the TLS handshake finished.
    case closedDuringHandshake
    /// The TCP connection and the TLS handshake together took longer than the connect timeout.
    case handshakeTimedOut
    /// The connection closed (or was closed) before the whole answer arrived.
    case closedBeforeTheAnswerEnded
    /// The answer's body is larger than the client accepts.
    case answerTooLarge(limit: Int)
    /// The answer did not arrive within the request timeout.
    case answerTimedOut
    /// settlement-url is not `https://HOST[:PORT]`.
    case notAnHTTPSURL(String)

    var description: String {
        switch self {
        case .closedDuringHandshake: return "the connection closed during the TLS handshake"
        case .handshakeTimedOut: return "no TLS connection within the connect timeout"
        case .closedBeforeTheAnswerEnded: return "the connection closed before the answer ended"
        case .answerTooLarge(let limit): return "the answer is larger than \(limit) bytes"
        case .answerTimedOut: return "no answer within the request timeout"
        case .notAnHTTPSURL(let text): return "'\(text)' is not https://HOST[:PORT]"
        }
    }
}
