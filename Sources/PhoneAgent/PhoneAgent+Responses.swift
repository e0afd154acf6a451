import Foundation
import PairPayCore

extension PhoneAgent {
    /// The server's `{"error":{"code","message"}}`.
    struct ErrorEnvelope: Decodable {
        struct Body: Decodable {
            let code: String
            let message: String
        }
        let error: Body
    }

    static func errorEnvelope(_ response: PhoneHTTPResponse) -> ErrorEnvelope.Body? {
        try? JSONDecoder().decode(ErrorEnvelope.self, from: Data(response.body)).error
    }

    /// The signed result of a 200, or the error a non-2xx answer stands for.
    /// - Parameter method: the sign-in method's name, for the advice of a 401.
    static func signedResult(
        from response: PhoneHTTPResponse, method: String
    ) throws(PhoneAgentError) -> SignedSettlementResult {
        if response.status == 200 {
            guard
                let signed = try? JSONDecoder().decode(SignedSettlementResult.self, from: Data(response.body))
            else {
                throw .unexpectedResponse(status: 200, detail: "the body is not a signed settlement result")
            }
            return signed
        }
        let envelope = errorEnvelope(response)
        let message = envelope?.message ?? "no error message (\(response.body.count) bytes)"
        switch response.status {
        case 401:
            throw .notAuthenticated(method: method, message: message)
        case 410:
            throw .orderExpired(message: message)
        case 423:
            throw .locked(until: lockedUntil(message), message: message)
        case 400..<500:
            throw .refused(status: response.status, code: envelope?.code ?? "unknown", message: message)
        case 500..<600:
            throw .serverFailed(status: response.status, message: message)
        default:
            throw .unexpectedResponse(status: response.status, detail: message)
        }
    }

    /// The unix time after `until ` in a 423 message, if there is one.
    static func lockedUntil(_ message: String) -> Int64? {
        guard let range = message.range(of: "until ") else { return nil }
        return Int64(message[range.upperBound...].prefix { $0.isASCII && $0.isNumber })
    }
}
