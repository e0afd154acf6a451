import DaemonSupport
import Logging
import NIOHTTP1
import PairPayCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Result path 1 over the network: the customer's phone posts the signed result's relay text
/// (`PAIRPAY-RESULT1:…`) to `POST /v1/relay`. Plain HTTP by default (the result authenticates
/// itself by the server's signature), TLS when a certificate is configured.
///
/// Answers 200 with `{"result":"accepted"|"already-known","orderId","status"}` when the result is
/// valid for an order registerd waits (or waited) for; 400 when it is not a relay text, 404 for
/// an order not known here, 422 for a forged or altered one, each with `{"error": reason}`.
///
/// The payment page's "send the result to the shop" button posts an HTML form instead
/// (`Content-Type: application/x-www-form-urlencoded`, field `relay`): the same checks, answered
/// with a short page for the customer's browser.
enum RelayEndpoint {
    static let path = "/v1/relay"

    /// The longest body read: a form escapes the prefix's ':' (3 bytes for 1), so it may be a
    /// little longer than the relay text.
    static let maximumBody = 2 * SignedSettlementResult.maximumRelayLength

    static func routes(mailbox: ResultMailbox, logger: Logger) -> [HTTPRoute] {
        let route = HTTPRoute(.POST, path) { request in
            let isForm = request.mediaType == "application/x-www-form-urlencoded"
            guard !request.isBodyTooLarge else {
                return reply(isForm, .payloadTooLarge, "the relay text is longer than 2048 characters")
            }
            let body = String(decoding: request.body, as: UTF8.self)
            let text = (isForm ? FormBody(body)["relay"] ?? "" : body).trimmingWhitespace()
            let signed: SignedSettlementResult
            do { signed = try SignedSettlementResult(relayText: text) } catch {
                logger.notice("relay endpoint: refused a body that is not a relay text: \(error)")
                return reply(isForm, .badRequest, "\(error)")
            }
            do throws(ResultRejection) {
                let verdict = try await mailbox.receive(signed, via: .relay)
                return isForm
                    ? page(.ok, "The shop has the result. お店に結果が届きました。") : JSONReply.accepted(verdict)
            } catch {
                logger.warning(
                    "relay endpoint: refused a result for order \(signed.result.orderID): \(error)")
                return reply(isForm, JSONReply.status(for: error), error.description)
            }
        }
        return [route]
    }

    /// The JSON refusal, or for a browser's form a page saying it.
    static func reply(_ isForm: Bool, _ status: HTTPResponseStatus, _ reason: String) -> HTTPListenerResponse
    {
        isForm
            ? page(status, "The shop did not take this result: \(reason)") : JSONReply.refused(status, reason)
    }

    /// A minimal page for the customer's browser (no script, nothing cached).
    static func page(_ status: HTTPResponseStatus, _ sentence: String) -> HTTPListenerResponse {
        let escaped = HTMLText.escape(sentence)
        let html = """
            <!DOCTYPE html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">\
            <title>PairPay</title></head><body><p id="relay-answer">\(escaped)</p></body></html>
            """
        let headers: HTTPHeaders = [
            "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store",
            "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
        ]
        return HTTPListenerResponse(status: status, headers: headers, body: Array(html.utf8))
    }
}
