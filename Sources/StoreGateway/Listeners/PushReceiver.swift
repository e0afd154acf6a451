import DaemonSupport
import Logging
import NIOHTTP1
import PairPayCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Result path 2: settlementd posts each final signed result to `POST /v1/push` over HTTPS with
/// `PairPay-Signature: t=…,v1=…` (HMAC-SHA256 with the push secret).
///
/// The header is checked first (401 when it does not verify or is older than 5 minutes), then
/// the result's own signature and merchant (422 when forged). A valid result is answered 200,
/// also when registerd no longer waits for its order (it is logged), so the server stops retrying.
enum PushReceiver {
    static let path = "/v1/push"

    /// The longest push body read.
    static let maximumBody = 64 * 1024

    static func routes(
        mailbox: ResultMailbox, secret: [UInt8], logger: Logger,
        now: @escaping @Sendable () -> Date = Date.init
    ) -> [HTTPRoute] {
        let route = HTTPRoute(.POST, path) { request in
            guard !request.isBodyTooLarge else {
                return JSONReply.refused(.payloadTooLarge, "the push body is larger than 64 KiB")
            }
            let body = request.body
            guard let header = request.headers.first(name: PushSignature.headerName),
                let timestamp = PushSignature.verify(header: header, secret: secret, body: body)
            else {
                logger.warning("push receiver: refused a push whose PairPay-Signature does not verify")
                return JSONReply.refused(
                    .unauthorized, "PairPay-Signature does not verify with this store's push secret")
            }
            guard PushSignature.isFresh(timestamp: timestamp, now: Int64(now().timeIntervalSince1970)) else {
                logger.warning(
                    "push receiver: refused a push signed at \(timestamp), more than 5 minutes away")
                return JSONReply.refused(
                    .unauthorized, "the PairPay-Signature timestamp is more than 5 minutes old")
            }
            let signed: SignedSettlementResult
            do { signed = try JSONDecoder().decode(SignedSettlementResult.self, from: Data(body)) } catch {
                return JSONReply.refused(.badRequest, "the body is not a signed settlement result")
            }
            do throws(ResultRejection) {
                return JSONReply.accepted(try await mailbox.receive(signed, via: .push))
            } catch {
                if case .unknownOrder(let orderID) = error {
                    logger.notice(
                        "push receiver: valid result for order \(orderID), which registerd is not waiting for; acknowledged"
                    )
                    return JSONReply.response(.ok, ["result": "not-waiting", "orderId": orderID])
                }
                logger.warning("push receiver: refused a result for order \(signed.result.orderID): \(error)")
                return JSONReply.refused(JSONReply.status(for: error), error.description)
            }
        }
        return [route]
    }
}
