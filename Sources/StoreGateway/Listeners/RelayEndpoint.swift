import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import PairPayCore

/// Result path 1 over the network: the customer's phone posts the signed result's relay text
/// (`PAIRPAY-RESULT1:…`) to `POST /v1/relay`. Plain HTTP by default (the result authenticates
/// itself by the server's signature), TLS when a certificate is configured.
///
/// Answers 200 with `{"result":"accepted"|"already-known","orderId","status"}` when the result is
/// valid for an order registerd waits (or waited) for; 400 when it is not a relay text, 404 for
/// an order not known here, 422 for a forged or altered one, each with `{"error": reason}`.
enum RelayEndpoint {
    static let path = "/v1/relay"

    static func router(mailbox: ResultMailbox, logger: Logger) -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/v1/relay") { request, _ -> Response in
            let bytes: ByteBuffer
            do {
                bytes = try await request.body.collect(upTo: SignedSettlementResult.maximumRelayLength + 256)
            } catch {
                return JSONReply.refused(.contentTooLarge, "the relay text is longer than 2048 characters")
            }
            let text = String(decoding: bytes.readableBytesView, as: UTF8.self).trimmingCharacters(
                in: .whitespacesAndNewlines)
            let signed: SignedSettlementResult
            do { signed = try SignedSettlementResult(relayText: text) } catch {
                logger.notice("relay endpoint: refused a body that is not a relay text: \(error)")
                return JSONReply.refused(.badRequest, "\(error)")
            }
            do throws(ResultRejection) {
                return JSONReply.accepted(try await mailbox.receive(signed, via: .relay))
            } catch {
                logger.warning(
                    "relay endpoint: refused a result for order \(signed.result.orderID): \(error)")
                return JSONReply.refused(JSONReply.status(for: error), error.description)
            }
        }
        return router
    }
}
