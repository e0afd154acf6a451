/// Which authentication methods the server accepts from stores and from users.
public struct AuthenticationPolicy: Sendable, Equatable {
    /// Methods accepted on the store endpoints (mTLS and/or request MAC).
    public var store: Set<AuthenticationMethod>
    /// Methods accepted on the phone endpoint (mTLS, request MAC and/or password).
    public var user: Set<AuthenticationMethod>

    public init(
        store: Set<AuthenticationMethod> = [.clientCertificate, .requestMAC],
        user: Set<AuthenticationMethod> = [.clientCertificate, .requestMAC, .password]
    ) {
        self.store = store
        self.user = user
    }
}

/// Which side of the API an endpoint belongs to.
public enum APIRole: String, Sendable {
    /// The store's endpoints (first request, query, cancel).
    case store
    /// The phone's endpoint (second request).
    case user
}
