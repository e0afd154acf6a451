import Foundation
import HTTPTypes
import Hummingbird

/// The small JSON answers of the relay endpoint and the push receiver.
enum JSONReply {
    static func response(_ status: HTTPResponse.Status, _ fields: [String: String]) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(fields)) ?? Data("{}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// `{"accepted":…}` style answer for a filed result.
    static func accepted(_ verdict: ResultMailbox.Verdict) -> Response {
        switch verdict {
        case .accepted(let delivery):
            response(
                .ok,
                [
                    "result": "accepted", "orderId": delivery.result.orderID,
                    "status": delivery.result.status.rawValue,
                ])
        case .alreadyKnown(let delivery):
            response(
                .ok,
                [
                    "result": "already-known", "orderId": delivery.result.orderID,
                    "status": delivery.result.status.rawValue,
                ])
        }
    }

    static func refused(_ status: HTTPResponse.Status, _ reason: String) -> Response {
        response(status, ["error": reason])
    }

    static func status(for rejection: ResultRejection) -> HTTPResponse.Status {
        switch rejection {
        case .malformed: .badRequest
        case .unknownOrder, .otherOrder: .notFound
        case .signature, .otherMerchant, .otherAmount: .unprocessableContent
        }
    }
}
