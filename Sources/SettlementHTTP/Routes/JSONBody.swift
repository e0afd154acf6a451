import Foundation
import Hummingbird

/// JSON reading and writing for the routes, with error messages a person can act on and that
/// never repeat the submitted values (they may be card data).
enum JSONBody {
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int) async throws -> T {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch {
            throw APIError.bodyTooLarge(limit: limit)
        }
        guard buffer.readableBytes > 0 else {
            throw APIError.invalidRequest(
                "The request body is empty; send the JSON object described in /openapi.yaml.")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw APIError.invalidRequest(describe(error))
        } catch let error as any CustomStringConvertible & Error {
            throw APIError.invalidRequest("The request is not valid: \(error.description).")
        }
    }

    /// As ``decode(_:from:limit:)``, but an empty body is nil (a request whose fields are all
    /// optional may be sent without one).
    static func decodeIfPresent<T: Decodable>(
        _ type: T.Type, from request: Request, limit: Int
    ) async throws
        -> T?
    {
        var request = request
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: limit) } catch {
            throw APIError.bodyTooLarge(limit: limit)
        }
        guard buffer.readableBytes > 0 else { return nil }
        return try await decode(type, from: request, limit: limit)
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            let text = codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.isEmpty ? "the body" : String(text.drop(while: { $0 == "." }))
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = context.codingPath.isEmpty ? "" : " in \(path(context.codingPath))"
            return "The field \"\(key.stringValue)\" is missing\(parent)."
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)) has the wrong type: expected \(describe(type))."
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)) is null: expected \(describe(type))."
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "The body is not valid JSON." }
            return "\(path(context.codingPath)) is not valid: \(context.debugDescription)"
        @unknown default:
            return "The body is not the JSON this endpoint expects; see /openapi.yaml."
        }
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Bool.Type: "true or false"
        default: "\(type)"
        }
    }

    static func response(_ value: any Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(value)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
