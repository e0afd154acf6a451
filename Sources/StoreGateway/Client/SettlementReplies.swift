import PairPayCore
import Register

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// settlementd's order status (`OrderStatusView` of openapi/settlement.yaml):
/// `{"orderId","merchantId","state","result"?,"expiresAt"}`.
struct OrderStatusReply: Decodable, Sendable {
    let orderId: String
    let merchantId: String
    /// `awaiting-second`, `awaiting-first`, `authorizing` or `final`.
    let state: String
    let result: SignedSettlementResult?
    let expiresAt: Int64

    var isFinal: Bool { state == "final" }
    var isAuthorizing: Bool { state == "authorizing" }
}

/// settlementd's error body: `{"error":{"code","message"}}`.
struct APIErrorReply: Decodable, Sendable {
    struct Detail: Decodable, Sendable {
        let code: String
        let message: String
    }
    let error: Detail
}

extension SettlementClient.Reply {
    /// The body as an order status.
    /// - Throws: ``SettlementGatewayError/refused(_:)`` when it is not one.
    func orderStatus() throws(SettlementGatewayError) -> OrderStatusReply {
        do {
            return try JSONDecoder().decode(OrderStatusReply.self, from: Data(body))
        } catch {
            throw .refused(
                "settlementd answered \(status) with a body that is not an order status; check that settlement-url points at settlementd"
            )
        }
    }

    /// The server's sentence for a refused request.
    var errorMessage: String {
        if let reply = try? JSONDecoder().decode(APIErrorReply.self, from: Data(body)) {
            return "\(reply.error.code): \(reply.error.message)"
        }
        return String(decoding: body.prefix(200), as: UTF8.self)
    }

    /// The gateway error for a non-2xx answer, with what the operator should do.
    func failure(_ what: String) -> SettlementGatewayError {
        let said = errorMessage
        switch status {
        case 400:
            return .refused("settlementd refused \(what) as invalid (\(said)); check the sale's data")
        case 401:
            return .refused(
                "settlementd did not accept the store's credentials for \(what) (\(said)); check mac-key-id and mac-key-file (or that client-cert is enrolled with 'pairpay enroll merchant') and that this machine's clock is right"
            )
        case 403:
            return .refused(
                "settlementd forbids \(what) (\(said)); check that merchant-id is the merchant the credentials were enrolled for"
            )
        case 404:
            return .refused("settlementd does not know the order (\(said)) for \(what)")
        case 409:
            return .refused("settlementd reports a conflict for \(what) (\(said))")
        case 410:
            return .refused("the order has already ended at settlementd (\(said))")
        case 423:
            return .refused("settlementd has locked the credentials (\(said)); ask the settlement operator")
        case 500...:
            return .noAnswer("settlementd failed on \(what) (\(status) \(said))")
        default:
            return .refused("settlementd answered \(status) to \(what) (\(said))")
        }
    }
}
