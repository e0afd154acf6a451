import Foundation
import Hummingbird
import Logging

/// Reads the body (up to the limit) and proves who sent the request before any handler runs:
/// stores by client certificate or request MAC, users by client certificate, request MAC or
/// password (HTTP Basic). Refusals are 401 (`unauthenticated`) or 423 (`locked`).
public struct AuthenticationMiddleware: RouterMiddleware {
    public typealias Context = SettlementRequestContext

    let role: APIRole
    let credentials: any CredentialDirectory
    let policy: AuthenticationPolicy
    let bodyLimit: Int
    let now: @Sendable () -> Date
    let metrics: SettlementMetrics

    public init(
        role: APIRole, credentials: any CredentialDirectory, policy: AuthenticationPolicy, bodyLimit: Int,
        metrics: SettlementMetrics, now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.role = role
        self.credentials = credentials
        self.policy = policy
        self.bodyLimit = bodyLimit
        self.metrics = metrics
        self.now = now
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: bodyLimit)
        } catch {
            throw APIError.bodyTooLarge(limit: bodyLimit)
        }
        var context = context
        do {
            let party = try await authenticate(request, body: body, context: context)
            context.party = party
            metrics.authenticated(role: role, method: party.method)
            context.logger[metadataKey: "party"] = "\(role.rawValue):\(party.id)"
        } catch {
            metrics.refused(role: role)
            context.logger.notice("authentication refused: \(error.message)")
            throw error
        }
        return try await next(request, context)
    }

    func authenticate(
        _ request: Request, body: ByteBuffer, context: Context
    ) async throws(APIError)
        -> AuthenticatedParty
    {
        let allowed = role == .store ? policy.store : policy.user
        if allowed.contains(.clientCertificate), let fingerprint = await context.peerCertificateFingerprint()
        {
            if let party = try await partyForCertificate(fingerprint) { return party }
        }
        if let signature = try RequestSignature.parse(request.headers) {
            guard allowed.contains(.requestMAC) else {
                throw .unauthenticated(
                    "This server accepts \(role == .store ? "stores" : "users") only with "
                        + "\(Self.describe(allowed)); request signatures are not accepted here.")
            }
            return try await verifySignature(signature, request: request, body: body)
        }
        if role == .user, let authorization = request.headers[.authorization],
            authorization.lowercased().hasPrefix("basic ")
        {
            guard allowed.contains(.password) else {
                throw .unauthenticated(
                    "This server does not accept passwords; use \(Self.describe(allowed)).")
            }
            return try await verifyPassword(authorization)
        }
        throw .unauthenticated(
            "Prove who you are with \(Self.describe(allowed)); the request carried no usable credentials.")
    }

    func partyForCertificate(_ fingerprint: String) async throws(APIError) -> AuthenticatedParty? {
        do {
            switch role {
            case .store:
                return try await credentials.merchantID(certificateFingerprint: fingerprint).map {
                    .merchant(id: $0, method: .clientCertificate)
                }
            case .user:
                return try await credentials.userID(certificateFingerprint: fingerprint).map {
                    .user(id: $0, method: .clientCertificate)
                }
            }
        } catch {
            throw APIError.internalError()
        }
    }

    func verifySignature(
        _ signature: RequestSignature, request: Request, body: ByteBuffer
    ) async throws(APIError)
        -> AuthenticatedParty
    {
        let serverTime = Int64(now().timeIntervalSince1970)
        guard abs(serverTime - signature.timestamp) <= RequestSignature.clockWindow else {
            throw .unauthenticated(
                "PairPay-Timestamp is more than \(RequestSignature.clockWindow) seconds from the server's clock "
                    + "(\(serverTime)); check the client's clock.")
        }
        let key: [UInt8]
        let party: AuthenticatedParty
        let scope: String
        do {
            switch role {
            case .store:
                guard let keyID = request.headers[RequestSignature.keyIDField] else {
                    throw APIError.unauthenticated("A signed store request needs PairPay-Key-Id.")
                }
                guard let found = try await credentials.merchantMACKey(keyID: keyID) else {
                    throw APIError.unauthenticated(
                        "The key id (unknown, retired or expired) or the signature is wrong.")
                }
                key = found.key
                party = .merchant(id: found.merchantID, method: .requestMAC)
                scope = "key:" + keyID
            case .user:
                guard let keyID = request.headers[RequestSignature.keyIDField],
                    let userID = request.headers[RequestSignature.userIDField]
                else {
                    throw APIError.unauthenticated(
                        "A signed user request needs both PairPay-Key-Id and PairPay-User-Id.")
                }
                // The key must belong to the user the request claims to be (ids are not secret;
                // the MAC itself is compared in constant time).
                guard let found = try await credentials.userMACKey(keyID: keyID), found.userID == userID
                else {
                    throw APIError.unauthenticated(
                        "The key id (unknown, retired or expired), the user id or the signature is wrong.")
                }
                key = found.key
                party = .user(id: userID, method: .requestMAC)
                scope = "key:" + keyID
            }
        } catch let error as APIError {
            throw error
        } catch {
            throw .internalError()
        }
        guard
            signature.isValid(
                key: key, method: request.method.rawValue, path: request.uri.path,
                body: Array(body.readableBytesView))
        else {
            throw .unauthenticated(
                role == .store
                    ? "The key id (unknown, retired or expired) or the signature is wrong."
                    : "The key id (unknown, retired or expired), the user id or the signature is wrong.")
        }
        let fresh: Bool
        do {
            fresh = try await credentials.useNonce(
                signature.nonce, scope: scope, timestamp: signature.timestamp)
        } catch {
            throw .internalError()
        }
        guard fresh else {
            throw .unauthenticated(
                "This PairPay-Nonce was already used: a replayed request is refused. Sign every request with a new nonce."
            )
        }
        return party
    }

    func verifyPassword(_ authorization: String) async throws(APIError) -> AuthenticatedParty {
        let encoded = authorization.dropFirst("basic ".count).trimmingCharacters(in: .whitespaces)
        guard let data = Data(base64Encoded: encoded), let text = String(data: data, encoding: .utf8),
            let colon = text.firstIndex(of: ":")
        else {
            throw .unauthenticated("Authorization: Basic must carry base64 of 'user-id:password'.")
        }
        let userID = String(text[..<colon])
        let password = String(text[text.index(after: colon)...])
        let check: PasswordVerdict
        do {
            check = try await credentials.checkPassword(userID: userID, password: password)
        } catch {
            throw .internalError()
        }
        switch check {
        case .accepted:
            return .user(id: userID, method: .password)
        case .rejected:
            throw .unauthenticated("The user id or the password is wrong.")
        case .locked(let until):
            throw APIError(
                HTTPResponse.Status(code: 423, reasonPhrase: "Locked"), code: "locked",
                message:
                    "Too many wrong passwords: this user is locked until \(Int64(until.timeIntervalSince1970)) "
                    + "(unix seconds). Try again later or use another sign-in method.")
        case .busy(let seconds):
            throw .busy(
                "Too many sign-ins at once: try again in \(seconds) s, or sign in with a key or certificate.",
                retryAfterSeconds: seconds)
        }
    }

    static func describe(_ methods: Set<AuthenticationMethod>) -> String {
        let names: [(AuthenticationMethod, String)] = [
            (.clientCertificate, "an enrolled client certificate"),
            (.requestMAC, "a request signature (PairPay-Signature)"),
            (.password, "a user id and password (Authorization: Basic)"),
        ]
        let listed = names.filter { methods.contains($0.0) }.map(\.1)
        return listed.isEmpty ? "nothing (all methods are disabled)" : listed.joined(separator: " or ")
    }
}

extension AuthenticatedParty {
    var method: AuthenticationMethod {
        switch self {
        case .merchant(_, let method), .user(_, let method): method
        }
    }
}
