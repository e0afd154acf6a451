import DaemonSupport
import NIOHTTP1

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The small JSON answers of the relay endpoint and the push receiver.
enum JSONReply {
    static func response(_ status: HTTPResponseStatus, _ fields: [String: String]) -> HTTPListenerResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(fields)) ?? Data("{}".utf8)
        return HTTPListenerResponse(
            status: status, headers: ["Content-Type": "application/json"], body: Array(data))
    }

    /// `{"accepted":…}` style answer for a filed result.
    static func accepted(_ verdict: ResultMailbox.Verdict) -> HTTPListenerResponse {
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

    static func refused(_ status: HTTPResponseStatus, _ reason: String) -> HTTPListenerResponse {
        response(status, ["error": reason])
    }

    static func status(for rejection: ResultRejection) -> HTTPResponseStatus {
        switch rejection {
        case .malformed: .badRequest
        case .unknownOrder, .otherOrder: .notFound
        case .signature, .otherMerchant, .otherAmount: .unprocessableEntity
        }
    }
}
