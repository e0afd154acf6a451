import Foundation
import HTTPTypes
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
///
/// The payment page's "send the result to the shop" button posts an HTML form instead
/// (`Content-Type: application/x-www-form-urlencoded`, field `relay`): the same checks, answered
/// with a short page for the customer's browser.
enum RelayEndpoint {
    static let path = "/v1/relay"

    static func router(mailbox: ResultMailbox, logger: Logger) -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/v1/relay") { request, _ -> Response in
            let isForm =
                request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded")
                == true
            let bytes: ByteBuffer
            do {
                // A form escapes the prefix's ':' (3 bytes for 1), so it may be a little longer.
                bytes = try await request.body.collect(upTo: 2 * SignedSettlementResult.maximumRelayLength)
            } catch {
                return reply(isForm, .contentTooLarge, "the relay text is longer than 2048 characters")
            }
            let body = String(decoding: bytes.readableBytesView, as: UTF8.self)
            let text = (isForm ? FormBody(body)["relay"] ?? "" : body).trimmingCharacters(
                in: .whitespacesAndNewlines)
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
        return router
    }

    /// The JSON refusal, or for a browser's form a page saying it.
    static func reply(_ isForm: Bool, _ status: HTTPResponse.Status, _ reason: String) -> Response {
        isForm
            ? page(status, "The shop did not take this result: \(reason)") : JSONReply.refused(status, reason)
    }

    /// A minimal page for the customer's browser (no script, nothing cached).
    static func page(_ status: HTTPResponse.Status, _ sentence: String) -> Response {
        let escaped = HTMLText.escape(sentence)
        let html = """
            <!DOCTYPE html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">\
            <title>PairPay</title></head><body><p id="relay-answer">\(escaped)</p></body></html>
            """
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("Content-Security-Policy")!] = "default-src 'none'; frame-ancestors 'none'"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
