import Foundation
import PairPayCore

/// Why the phone agent did not pay or does not trust what it got. Each description is a
/// sentence saying what happened and what to do; none ever contains a card number, a key or a
/// password.
public enum PhoneAgentError: Error, Equatable, Sendable, CustomStringConvertible {
    // MARK: set-up
    /// The configured server is not an `https://host[:port]` URL.
    case invalidServerURL(String)
    /// The server's public key file does not hold an Ed25519 key.
    case invalidServerKey(String)
    /// A file could not be read (missing, no permission).
    case fileUnreadable(path: String)
    /// A secret file may be read by group or others.
    case secretFileTooOpen(path: String, mode: Int)
    /// A secret file does not hold what it should.
    case invalidSecretFile(path: String, expected: String)
    /// The wallet file is not valid.
    case invalidWallet(path: String, problem: String)
    /// A wallet card's data is not valid (the error shows at most a masked number).
    case invalidCard(name: String, CardDataError)
    /// No wallet card has the name asked for.
    case cardNotFound(String, available: [String])

    // MARK: the payment code
    /// The scanned text is not a valid payment code.
    case invalidPayload(PaymentPayloadError)
    /// The payment code names a server other than the configured one.
    case wrongServer(payload: String, configured: String)
    /// The payment code's order cannot be claimed.
    case invalidOrder(OrderValidationError)
    /// The payment code expired before anything was sent.
    case payloadExpired(expiresAt: Int64, now: Int64)

    // MARK: the server's answers
    /// The store's request did not arrive before the payment code expired.
    case expiredWhileWaiting(expiresAt: Int64, attempts: Int)
    /// 410: the server says the order expired or ended.
    case orderExpired(message: String)
    /// 401: the server did not accept who the phone says it is.
    case notAuthenticated(method: String, message: String)
    /// 423: too many wrong passwords; locked until the time given (unix seconds) if the server said.
    case locked(until: Int64?, message: String)
    /// Any other 4xx: the server refused the request, with its code and sentence.
    case refused(status: Int, code: String, message: String)
    /// 5xx: the server failed.
    case serverFailed(status: Int, message: String)
    /// No HTTP answer at all.
    case unreachable(url: String, detail: String)
    /// An answer the API does not define.
    case unexpectedResponse(status: Int, detail: String)
    /// The payment was stopped (task cancelled) before a final answer.
    case cancelled

    // MARK: the result
    /// The result's signature does not verify with the server's key.
    case resultNotTrusted(ResultVerificationError)
    /// The signed result is for another merchant or order.
    case resultForAnotherOrder(expected: String, got: String)
    /// An approved result for another amount than the payment code's.
    case resultAmountDiffers(expected: Money, got: Money)

    // MARK: relay
    /// The payment code carries no relay URL.
    case noRelayURL
    /// The relay endpoint did not take the result.
    case relayFailed(url: String, detail: String)
    /// The result cannot be written as relay text.
    case relayTextUnavailable(ResultVerificationError)

    /// Whether this error means, for certain, that nothing was paid because the order or the
    /// payment code expired (`payagent` exits 2 for these, like for a declined result).
    public var meansExpired: Bool {
        switch self {
        case .payloadExpired, .expiredWhileWaiting, .orderExpired: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .invalidServerURL(let url):
            return
                "the settlement server \(url) is not an https://host[:port] URL; give --server as https://HOST:PORT"
        case .invalidServerKey(let detail):
            return "the server public key is not valid: \(detail)"
        case .fileUnreadable(let path):
            return "cannot read \(path): check that it exists and that you may read it"
        case .secretFileTooOpen(let path, let mode):
            return
                "\(path) holds a secret but others may read it (mode \(String(format: "%04o", mode))): run chmod 600 \(path)"
        case .invalidSecretFile(let path, let expected):
            return "\(path) must hold \(expected)"
        case .invalidWallet(let path, let problem):
            return "the wallet \(path) is not valid: \(problem)"
        case .invalidCard(let name, let error):
            return "wallet card \(name) is not valid: \(error.description); fix it in the wallet file"
        case .cardNotFound(let name, let available):
            return
                "the wallet has no card named \(name); pick one of \(available.joined(separator: ", ")) with --card"
        case .invalidPayload(let error):
            return error.description
        case .wrongServer(let payload, let configured):
            return
                "this payment code sends the payment to \(payload), not to your server \(configured): do not pay with it; ask the store"
        case .invalidOrder(let error):
            return
                "the payment code's order cannot be paid: \(error.description); ask the store for a new code"
        case .payloadExpired(let expiresAt, let now):
            return
                "the payment code expired \(now - expiresAt) s ago (at \(expiresAt) unix seconds); nothing was paid: ask the store for a new code"
        case .expiredWhileWaiting(let expiresAt, let attempts):
            return
                "the store's order did not reach the server before the payment code expired (at \(expiresAt) unix seconds, after \(attempts) attempts); nothing was paid: ask the store to start again"
        case .orderExpired(let message):
            return
                "the order expired before it was paid; nothing was paid: ask the store for a new code (server: \(message))"
        case .notAuthenticated(let method, let message):
            return "the server did not accept your sign-in: \(Self.advice(method)) (server: \(message))"
        case .locked(let until, let message):
            let when = until.map { " until \($0) (unix seconds)" } ?? ""
            return
                "your account is locked\(when) after too many wrong passwords; wait, or pay with your MAC key or certificate (server: \(message))"
        case .refused(let status, let code, let message):
            return "the server refused the payment (\(status) \(code)): \(message)"
        case .serverFailed(let status, let message):
            return
                "the settlement server failed (\(status)): \(message); try again later (repeating the payment never charges twice)"
        case .unreachable(let url, let detail):
            return "cannot reach \(url): \(detail); check the network, --server and --ca"
        case .unexpectedResponse(let status, let detail):
            return "the server's answer (\(status)) is not what the settlement API defines: \(detail)"
        case .cancelled:
            return
                "the payment was stopped before the server's final answer; repeat it to learn the result (a repeat never charges twice)"
        case .resultNotTrusted(let error):
            return
                "the result is not signed by your settlement server (\(error.description)): do not trust it, and check --server-public-key"
        case .resultForAnotherOrder(let expected, let got):
            return "the signed result is for \(got), not for \(expected): do not trust it"
        case .resultAmountDiffers(let expected, let got):
            return
                "the approved result is for \(got), not the \(expected) you agreed to: do not trust it; ask the store"
        case .noRelayURL:
            return
                "the payment code has no relay URL; hand the relay text to the register another way (--relay-out FILE)"
        case .relayFailed(let url, let detail):
            return
                "the result could not be relayed to \(url): \(detail); the register can still ask the server for it"
        case .relayTextUnavailable(let error):
            return "the result cannot be written as relay text: \(error.description)"
        }
    }

    /// What to check for a refused sign-in with `method` (`mac`, `mtls`, `password`).
    static func advice(_ method: String) -> String {
        switch method {
        case "mac":
            return
                "check --user, --mac-key-id and --mac-key-file (the key `pairpay enroll user` printed) and this device's clock"
        case "mtls":
            return "check --client-cert and --client-key: the certificate must be enrolled for your user"
        default:
            return "check --user and the password in --password-file"
        }
    }
}
