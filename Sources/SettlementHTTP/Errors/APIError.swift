import Foundation
import Hummingbird

/// Every failed request is answered with one of these as
/// `{"error": {"code": "<machine code>", "message": "<a sentence a person understands>"}}`.
public struct APIError: HTTPResponseError, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// A stable machine-readable code, like `invalid-request` or `unauthenticated`.
    public var code: String
    /// What went wrong and what to do about it. Never contains card data or secrets.
    public var message: String
    /// Headers the answer carries besides the content type, such as `Allow` on 405 or
    /// `Retry-After` on 503.
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, code: String, message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        if status == .unauthorized {
            headers[.wwwAuthenticate] = #"PairPay-HMAC-SHA256, Basic realm="pairpay""#
        }
        return Response(
            status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: Self.encode(self))))
    }

    static func encode(_ error: APIError) -> [UInt8] {
        struct Envelope: Encodable {
            struct Body: Encodable {
                let code: String
                let message: String
            }
            let error: Body
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(
            (try? encoder.encode(Envelope(error: .init(code: error.code, message: error.message)))) ?? Data())
    }
}

extension APIError {
    /// 400: the request cannot be understood.
    public static func invalidRequest(_ message: String) -> APIError {
        APIError(.badRequest, code: "invalid-request", message: message)
    }
    /// 401: no valid credentials.
    public static func unauthenticated(_ message: String) -> APIError {
        APIError(.unauthorized, code: "unauthenticated", message: message)
    }
    /// 403: valid credentials, but not for this.
    public static func forbidden(_ message: String) -> APIError {
        APIError(.forbidden, code: "forbidden", message: message)
    }
    /// 404: nothing here.
    public static func notFound(_ message: String) -> APIError {
        APIError(.notFound, code: "not-found", message: message)
    }
    /// 413: the body is larger than the server accepts.
    public static func bodyTooLarge(limit: Int) -> APIError {
        APIError(
            .contentTooLarge, code: "body-too-large",
            message: "The request body is larger than \(limit) bytes; send a smaller order.")
    }
    /// 500: the server failed; the request may be repeated unchanged.
    /// 405: the path exists but does not serve this method; `Allow` lists the methods it serves.
    public static func methodNotAllowed(allowed: [HTTPRequest.Method]) -> APIError {
        let list = allowed.map(\.rawValue).joined(separator: ", ")
        var headers = HTTPFields()
        headers[.allow] = list
        return APIError(
            .methodNotAllowed, code: "method-not-allowed",
            message: "This endpoint accepts \(list) only; see /openapi.yaml.", headers: headers)
    }

    /// 503: the server is too busy for this request now; `Retry-After` says when to try again.
    public static func busy(_ message: String, retryAfterSeconds: Int) -> APIError {
        var headers = HTTPFields()
        headers[.retryAfter] = String(retryAfterSeconds)
        return APIError(.serviceUnavailable, code: "busy", message: message, headers: headers)
    }

    public static func internalError() -> APIError {
        APIError(
            .internalServerError, code: "internal",
            message: "The server failed to handle the request; repeat it unchanged later.")
    }
}
