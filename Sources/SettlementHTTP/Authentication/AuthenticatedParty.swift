/// Who a request comes from, and how that was proven.
public enum AuthenticatedParty: Sendable, Equatable {
    /// A store, acting for this merchant id.
    case merchant(id: String, method: AuthenticationMethod)
    /// A user's phone.
    case user(id: String, method: AuthenticationMethod)

    /// The merchant or user id.
    public var id: String {
        switch self {
        case .merchant(let id, _), .user(let id, _): id
        }
    }
}

/// How a party proved who it is.
public enum AuthenticationMethod: String, Sendable, Equatable {
    /// A client certificate issued by the PairPay CA and enrolled for the party.
    case clientCertificate = "mtls"
    /// An HMAC-SHA256 request signature with an enrolled key.
    case requestMAC = "mac"
    /// User id and password (users only).
    case password
}
