/// How the phone proves to the settlement server which user pays.
///
/// ``description`` names the method and the user, never the key or the password.
public enum UserAuthentication: Hashable, Sendable, CustomStringConvertible, CustomReflectable {
    /// A request signature (``PairPayCore/RequestMAC``) with the user's MAC key: headers
    /// `PairPay-Key-Id`, `PairPay-User-Id`, `PairPay-Timestamp`, `PairPay-Nonce` (new and random
    /// for every request) and `PairPay-Signature`.
    case requestMAC(userID: String, keyID: String, key: [UInt8])
    /// The user's client certificate: the transport does mutual TLS, the agent adds no header.
    case clientCertificate
    /// The user's id and password, as `Authorization: Basic`.
    case password(userID: String, password: String)

    /// The method's name as `payagent --auth` spells it: `mac`, `mtls` or `password`.
    public var methodName: String {
        switch self {
        case .requestMAC: "mac"
        case .clientCertificate: "mtls"
        case .password: "password"
        }
    }

    /// The user id the agent sends, if the method carries one.
    public var userID: String? {
        switch self {
        case .requestMAC(let userID, _, _), .password(let userID, _): userID
        case .clientCertificate: nil
        }
    }

    /// `mac as alice (key mk_…)`, `mtls`, `password as alice`.
    public var description: String {
        switch self {
        case .requestMAC(let userID, let keyID, _): "mac as \(userID) (key \(keyID))"
        case .clientCertificate: "mtls"
        case .password(let userID, _): "password as \(userID)"
        }
    }

    /// Hides the key and the password from `dump` and debuggers.
    public var customMirror: Mirror { Mirror(self, children: ["method": description]) }
}
