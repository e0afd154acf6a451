import Foundation
import PairPayCore

extension PhoneAgent {
    /// The characters an order id keeps unescaped in the URL path (RFC 3986 unreserved).
    static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// `/v1/orders/{orderId}/payment`, the order id percent-encoded: exactly the path signed.
    func paymentURLPath(orderID: String) -> String {
        let escaped = orderID.addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? orderID
        return "/v1/orders/\(escaped)/payment"
    }

    /// The JSON body, keys sorted, so every repeat sends the same bytes.
    static func encode(_ request: SecondSettlementRequest) throws(PhoneAgentError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return Array(try encoder.encode(request))
        } catch {
            throw .invalidOrder(.invalidField("body", "could not be encoded as JSON"))
        }
    }

    /// The headers that prove who pays, for a `POST` of `body` to `path`: a fresh nonce and the
    /// current time for every call.
    func authenticationHeaders(path: String, body: [UInt8]) -> [PhoneHTTPRequest.Header] {
        switch configuration.authentication {
        case .requestMAC(let userID, let keyID, let key):
            let timestamp = Int64(now().timeIntervalSince1970)
            let nonce = makeNonce()
            let signature = RequestMAC.signature(
                key: key, method: "POST", path: path, timestamp: timestamp, nonce: nonce, body: body)
            return [
                .init(RequestMAC.keyIDHeader, keyID), .init("PairPay-User-Id", userID),
                .init(RequestMAC.timestampHeader, String(timestamp)), .init(RequestMAC.nonceHeader, nonce),
                .init(RequestMAC.signatureHeader, signature),
            ]
        case .clientCertificate:
            return []
        case .password(let userID, let password):
            let basic = Data("\(userID):\(password)".utf8).base64EncodedString()
            return [.init("Authorization", "Basic \(basic)")]
        }
    }

    /// The authenticated `POST` of `body` to the server's `path`.
    func request(path: String, body: [UInt8]) -> PhoneHTTPRequest {
        var base = configuration.serverURL
        while base.hasSuffix("/") { base.removeLast() }
        return PhoneHTTPRequest(
            method: "POST", url: base + path,
            headers: authenticationHeaders(path: path, body: body) + [
                .init("Content-Type", "application/json")
            ],
            body: body)
    }

    /// Sends one attempt.
    func send(_ path: String, body: [UInt8]) async throws(PhoneAgentError) -> PhoneHTTPResponse {
        let request = request(path: path, body: body)
        do {
            return try await transport.send(request)
        } catch is CancellationError {
            throw .cancelled
        } catch {
            throw .unreachable(url: configuration.serverURL, detail: String(describing: error))
        }
    }
}
