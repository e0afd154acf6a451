/// Why the settlement engine refused a call. HTTP maps each case 1:1 to a status and
/// `{"error": {"code", "message"}}`. Messages never contain card data, keys or passwords.
public enum SettlementError: Error, Equatable, Sendable, CustomStringConvertible {
    /// 400: the request is malformed; the message names the field to fix.
    case invalidRequest(String)
    /// 401: the caller is not authenticated.
    case unauthenticated(String)
    /// 403: the caller may not do this.
    case forbidden(String)
    /// 404: no such order (or vault reference) for this caller.
    case notFound(String)
    /// 409: a different request for an order that already has one, or the order is busy.
    case conflict(String)
    /// 410: the order expired before it could be paid.
    case expired(String)
    /// 423: too many wrong passwords; try again after the lock-out.
    case locked(String)
    /// 500: the server failed; nothing was charged twice, retry later.
    case `internal`(String)
    /// 503: the order kept changing under this request (other instances deciding it at the same
    /// moment); nothing was written by this request: send it again.
    case busy(String)

    /// The HTTP status code.
    public var httpStatus: Int {
        switch self {
        case .invalidRequest: return 400
        case .unauthenticated: return 401
        case .forbidden: return 403
        case .notFound: return 404
        case .conflict: return 409
        case .expired: return 410
        case .locked: return 423
        case .internal: return 500
        case .busy: return 503
        }
    }

    /// The machine-readable code of the JSON error body.
    public var code: String {
        switch self {
        case .invalidRequest: return "invalid-request"
        case .unauthenticated: return "unauthenticated"
        case .forbidden: return "forbidden"
        case .notFound: return "not-found"
        case .conflict: return "conflict"
        case .expired: return "expired"
        case .locked: return "locked"
        case .internal: return "internal"
        case .busy: return "busy"
        }
    }

    /// The sentence for people.
    public var message: String {
        switch self {
        case .invalidRequest(let text), .unauthenticated(let text), .forbidden(let text), .notFound(let text),
            .conflict(let text), .expired(let text), .locked(let text), .internal(let text), .busy(let text):
            return text
        }
    }

    public var description: String { "\(code): \(message)" }

    /// Whether this is ``busy(_:)``: the write lost a race with another instance.
    public var isBusy: Bool {
        if case .busy = self { return true }
        return false
    }
}
