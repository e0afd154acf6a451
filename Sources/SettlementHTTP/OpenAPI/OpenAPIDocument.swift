/// The API's OpenAPI 3.1 document, served at `GET /openapi.yaml`.
///
/// A copy of `openapi/settlement.yaml`, compiled in so the server needs no resource files; a test
/// keeps the two equal. After editing the YAML file, paste it between the quotes below.
public enum OpenAPIDocument {
    /// The YAML text.
    public static let yaml = #"""
        openapi: 3.1.0
        info:
          title: PairPay settlement server
          version: 1.0.0
          summary: Pays a store's order with the customer's phone; the store never sees the card.
          description: |
            Two requests settle an order: the store's first request (`POST /v1/orders`) with the order
            contents, and the phone's second request (`POST /v1/orders/{orderId}/payment`) with the same
            order and the payment. Either may come first. When both are in and match, the server asks the
            card issuer once and signs the result (Ed25519) for both parties. A mismatch is declined
            without contacting the issuer.

            Results reach the parties three ways: (1) in the answer to the phone's second request,
            (2) pushed to the merchant's registered HTTPS endpoint with header
            `PairPay-Signature: t=<unix>,v1=<hex HMAC-SHA256(push secret, t + "." + body)>`, retried with
            back-off until a 2xx, and (3) by the store querying `GET /v1/orders/{orderId}`. The push
            HMAC's key is the 32 bytes that the hex `push secret` printed at enrolment decodes to (not
            the hex text); `t` is the decimal unix time exactly as in the header and `body` the exact
            bytes posted (the signed result's JSON).

            All traffic is TLS. Stores authenticate with a client certificate issued by the PairPay CA
            (mutual TLS) or a request signature; users with a client certificate, a request signature or
            their user id and password. Every error is `{"error": {"code", "message"}}`.
            Card numbers are never returned: results carry at most the last four digits.

            Limits that hold for every request: a body of more than 65 536 bytes is refused with
            `413 body-too-large`. `merchantId` is 1-32 and `orderId` 1-64 characters from
            `A-Z a-z 0-9 - . _ ~` (RFC 3986 unreserved, so an id never needs percent-encoding in a path),
            and neither is `.` or `..`; any other id is `400 invalid-request`. The server percent-decodes
            the `{orderId}` path segment before comparing it with anything. An amount to pay (`total`) is
            1 to 999 999 999 999 minor units (ISO 8583 field 4 carries 12 digits); outside that range the
            request is `400 invalid-request` with a message naming the limit. A path listed here asked with
            a method it does not serve (for example `GET /v1/orders`, `PUT` or `DELETE` on an order path,
            `TRACE` on any of them) is `405 method-not-allowed` with an `Allow` header listing the methods
            it serves; a path not listed here is `404 not-found`.

            Several server instances may share one database behind a load balancer. Each change to an
            order is written only if nobody changed the order since it was read; a request that loses that
            race reads the order again and decides again, and after 8 lost races it is answered
            `503 busy` with `Retry-After: 1`. Nothing was written for it: send the same request again
            (with a new nonce when signed). An identical repeat never has a second effect.
        servers:
          - url: https://localhost:8443
        security:
          - clientCertificate: []
          - storeSignature: []
        paths:
          /v1/orders:
            post:
              operationId: submitFirstRequest
              summary: The store's first request (order contents)
              description: |
                Registers the order for the authenticated merchant: `contents.merchantId` must be that
                merchant (else `403 forbidden`) and `orderId` must equal `contents.orderId` (else
                `400 invalid-request`). An identical repeat returns the same answer; a different request
                for the same order id is `409 conflict`. When the phone's request came first and the order
                has meanwhile ended (expired), the answer is `410 expired`. `503 busy` (`Retry-After: 1`):
                the order kept changing under this request; send it again.

                `laneId` names the register lane (registerd's terminal id) the order is sold at: its
                result is pushed to that lane's endpoint, its sale goes to the bank under the lane's
                terminal id (ISO 8583 field 41) and counts in the lane's batch. A merchant with lanes
                enrolled (`pairpay enroll lane`) must name one of them: without `laneId` the request is
                `400 invalid-request`, with a lane not enrolled `404 not-found`. A merchant without lanes
                may send any lane id (it names the lane in batches) or none.
              security:
                - clientCertificate: []
                - storeSignature: []
              requestBody:
                required: true
                content:
                  application/json:
                    schema: { $ref: '#/components/schemas/FirstSettlementRequest' }
              responses:
                '200':
                  description: The order's status (final with the signed result if the phone was first).
                  content:
                    application/json:
                      schema: { $ref: '#/components/schemas/OrderStatusView' }
                '400': { $ref: '#/components/responses/InvalidRequest' }
                '401': { $ref: '#/components/responses/Unauthenticated' }
                '403': { $ref: '#/components/responses/Forbidden' }
                '404': { $ref: '#/components/responses/NotFound' }
                '409': { $ref: '#/components/responses/Conflict' }
                '410': { $ref: '#/components/responses/Expired' }
                '413': { $ref: '#/components/responses/BodyTooLarge' }
                '500': { $ref: '#/components/responses/Internal' }
                '503': { $ref: '#/components/responses/Busy' }
          /v1/orders/{orderId}:
            parameters:
              - $ref: '#/components/parameters/OrderId'
            get:
              operationId: getOrder
              summary: The order's status and signed result (result path 3)
              description: |
                Orders are kept per merchant: a store reads only its own. Another merchant's order id is
                answered `404 not-found`, exactly like an order id nobody used, so nothing about other
                merchants' orders leaks. A waiting order whose time is up is expired when read. Final
                orders stay readable for the server's history retention (90 days by default). `503 busy`
                (`Retry-After: 1`): the order kept changing under this request; ask again.
              security:
                - clientCertificate: []
                - storeSignature: []
              responses:
                '200':
                  description: The order's status.
                  content:
                    application/json:
                      schema: { $ref: '#/components/schemas/OrderStatusView' }
                '401': { $ref: '#/components/responses/Unauthenticated' }
                '404': { $ref: '#/components/responses/NotFound' }
                '500': { $ref: '#/components/responses/Internal' }
                '503': { $ref: '#/components/responses/Busy' }
          /v1/orders/{orderId}/cancel:
            parameters:
              - $ref: '#/components/parameters/OrderId'
            post:
              operationId: cancelOrder
              summary: The store cancels its order
              description: |
                Send no body (it is ignored; a request signature then covers the SHA-256 of the empty
                body). A waiting order ends `cancelled`/`cancelled`. An approved order is reversed at the
                issuer: the reversal (ISO 8583 0400) is stored on the server's disk and sent at once, and
                the order ends `cancelled`/`reversed` with a new signed result whether or not the bank has
                acknowledged it by the time of the answer (which waits for one attempt, at most the
                acquirer's 15 s response timeout). The reversal is store-and-forward: repeated (0401) until
                the bank acknowledges it; the customer's hold is released when the bank does. Any other
                final order (declined, expired, already cancelled) is returned as
                it is, so cancelling twice is harmless. An order being authorized right now is
                `409 conflict`: ask again in a moment (if the server instance that was authorizing it
                stopped, the order stays `authorizing` until another instance resolves it, about a
                minute). Another merchant's order id is `404 not-found`.
                A sale already captured (by `POST /v1/batches/close`, or by an earlier refund) cannot be
                reversed: the cancel refunds the whole amount instead (refund id `cancel:{orderId}`, listed
                by `GET /v1/orders/{orderId}/refunds`) and the order ends `cancelled`/`reversed` just the
                same once the bank approved the refund. If part of it was refunded before, the cancel is
                `409 conflict`: refund what is left with `POST /v1/orders/{orderId}/refunds`; while that
                refund waits for the bank's answer it is `409 conflict` too: cancel again in a moment (the
                order ends `cancelled`/`reversed` by itself as soon as the refund is approved, and its
                result is pushed).
                `500 internal` means the reversal could not be set in motion (for example the acquirer's
                store failed): the order stays approved; repeat the cancel. `503 busy`
                (`Retry-After: 1`): the order kept changing under this request; repeat the cancel.
              security:
                - clientCertificate: []
                - storeSignature: []
              responses:
                '200':
                  description: The order's status after cancelling.
                  content:
                    application/json:
                      schema: { $ref: '#/components/schemas/OrderStatusView' }
                '401': { $ref: '#/components/responses/Unauthenticated' }
                '404': { $ref: '#/components/responses/NotFound' }
                '409': { $ref: '#/components/responses/Conflict' }
                '500': { $ref: '#/components/responses/Internal' }
                '503': { $ref: '#/components/responses/Busy' }
          /v1/orders/{orderId}/refunds:
            parameters:
              - $ref: '#/components/parameters/OrderId'
            post:
              operationId: refundOrder
              summary: The store gives money back for an approved sale, in full or in part
              description: |
                Refunds `amount` (minor units of the sale's currency) to the card the sale was paid with;
                the store never needs the card. Several partial refunds may follow one another; together
                they never exceed the sale's total: one that would ends `declined`/`exceeds-captured`
                (signed, nothing sent to the bank). A sale not captured yet is captured first (ISO 8583
                0220), then refunded (0200, processing code `200000`), see docs/ISO8583.md.

                `refundId` is the store's, unique among all its refunds: the same `refundId` with the same
                amount may be sent again at any time (after a timeout, a crash of either side) and is
                refunded once, answered with the same result. The same `refundId` for another order or
                amount is `409 conflict`.

                `200`: the refund is `final` with its signed result (`result.refund.status` `approved` or
                `declined`). `202`: the refund is stored and sent but the bank's answer is not in yet
                (`state` `pending`): the server repeats it until the bank answers; send the same request
                again, or read `GET /v1/orders/{orderId}/refunds`, for the result. A refund of an order
                that is not an approved sale (waiting, declined, cancelled) is `409 conflict`; an amount in
                another currency than the sale's is `400 invalid-request`.
              security:
                - clientCertificate: []
                - storeSignature: []
              requestBody:
                required: true
                content:
                  application/json:
                    schema: { $ref: '#/components/schemas/RefundRequest' }
              responses:
                '200':
                  description: The refund is final.
                  content:
                    application/json:
                      schema: { $ref: '#/components/schemas/RefundView' }
                '202':
                  description: The refund is stored and on its way to the bank; ask again with the same body.
                  content:
                    application/json:
                      schema: { $ref: '#/components/schemas/RefundView' }
                '400': { $ref: '#/components/responses/InvalidRequest' }
                '401': { $ref: '#/components/responses/Unauthenticated' }
                '404': { $ref: '#/components/responses/NotFound' }
                '409': { $ref: '#/components/responses/Conflict' }
                '500': { $ref: '#/components/responses/Internal' }
                '503': { $ref: '#/components/responses/Busy' }
            get:
              operationId: listRefunds
              summary: Every refund of the order, oldest first
              security:
                - clientCertificate: []
                - storeSignature: []
              responses:
                '200':
                  description: The order's refunds.
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [refunds]
                        properties:
                          refunds:
                            type: array
                            items: { $ref: '#/components/schemas/RefundView' }
                '401': { $ref: '#/components/responses/Unauthenticated' }
                '404': { $ref: '#/components/responses/NotFound' }
                '500': { $ref: '#/components/responses/Internal' }
          /v1/batches/close:
            post:
              operationId: closeBatch
              summary: The store closes a lane's day (or every lane's) and reconciles it with the bank
              description: |
                The body is optional: `{"laneId"?, "batchId"?, "existing"?}`. Without `laneId` every lane of the
                merchant is closed together; with it, that lane only (`404 not-found` for a lane a merchant
                with lanes has not enrolled). The sales approved, voids and refunds the server decided for
                the lane since its last close join batch `batchId` (a new one is named when absent:
                `{laneId or all}-{UTC time}-{random}`), counted in `sales` per currency (the same three
                figures a register's TOTALS counts: approved, voided, refunded). Every approved sale of
                the lane decided before the close that is neither captured nor cancelled is captured at the
                bank (ISO 8583 0220): its hold becomes a posted amount; until then a cancel releases the
                hold (a reversal), afterwards it is a refund. Then each terminal of the batch is reconciled
                with the bank (0500/0510, docs/ISO8583.md): `reconciliations` has, per terminal and
                currency, the captures and refunds the server's acquirer sent and the bank approved since
                the terminal's last reconciliation, and what the bank counts. `differences` says in words
                where they differ; `state` is `balanced`, `out-of-balance`, or `incomplete` (the bank did
                not answer, or a capture is still pending).

                Safe to repeat: the same `batchId` again returns the same batch. A complete one (the bank
                answered every reconciliation) is answered from the stored report, byte for byte the same;
                an incomplete one asks the bank again (the same question, a 0501 repeat). A `batchId`
                already closed for another lane is `409 conflict`. With `"existing": true` nothing new is
                closed: a `batchId` never closed is `404 not-found` (registerd asks so about an earlier day).
                A merchant without lanes is one lane: a close naming a lane also takes the sales whose
                first request named none. While a capture or refund of a terminal waits for the bank's
                answer its reconciliation is not sent (`unanswered`): the bank may have posted it already.
                A reconciliation the bank refuses outright (a code other than 00/95) is `refused`: closing
                again gets the same answer; settle it with the acquirer. `captures` lists what this close
                captured, `state` per sale `captured`, `declined` (nothing was posted) or `pending`
                (stored and repeated until the bank answers); `totals` sums the `captured` ones.
              security:
                - clientCertificate: []
                - storeSignature: []
              requestBody:
                required: false
                content:
                  application/json:
                    schema: { $ref: '#/components/schemas/BatchCloseRequest' }
              responses:
                '200':
                  description: The batch, its captures and its reconciliation with the bank.
                  content:
                    application/json:
                      schema: { $ref: '#/components/schemas/BatchClose' }
                '400': { $ref: '#/components/responses/InvalidRequest' }
                '401': { $ref: '#/components/responses/Unauthenticated' }
                '404': { $ref: '#/components/responses/NotFound' }
                '409': { $ref: '#/components/responses/Conflict' }
                '500': { $ref: '#/components/responses/Internal' }
          /v1/orders/{orderId}/payment:
            parameters:
              - $ref: '#/components/parameters/OrderId'
            post:
              operationId: submitSecondRequest
              summary: The phone's second request (order claim and payment)
              description: |
                The user pays the order with a card or a vaulted card. `orderId` in the body must equal
                the path's (percent-decoded), else `400 invalid-request`. Answers the signed result
                (result path 1) once decided, or `202` with `state: awaiting-first` while the store's first
                request has not arrived; repeat the identical request (same user, order and payment; a new
                nonce) to collect the result. An identical repeat never pays twice: it gets the same
                signed result.

                Other answers: an unknown `merchantId`, or a `vaultReference` that does not exist or
                belongs to another user, is `404 not-found`. An order the store cancelled before the phone
                paid is answered `200` with its signed `cancelled`/`cancelled` result (nothing is
                charged). An order that expired unpaid is `410 expired`. A different payment
                request for an order that already has one is `409 conflict`. With a password, the fifth
                wrong password in a row is answered `423 locked` (so are all attempts for 15 minutes after
                it), and `503 busy` with `Retry-After: 1` means the server's password checks are all taken:
                repeat later; it does not count as a wrong password. `503 busy` is also the answer when the
                order kept changing under this request (several server instances deciding it at once):
                nothing was charged for it; repeat the identical request.
              security:
                - clientCertificate: []
                - userSignature: []
                - password: []
              requestBody:
                required: true
                content:
                  application/json:
                    schema: { $ref: '#/components/schemas/SecondSettlementRequest' }
              responses:
                '200':
                  description: The signed result.
                  content:
                    application/json:
                      schema: { $ref: '#/components/schemas/SignedSettlementResult' }
                '202':
                  description: Waiting for the store's first request.
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [orderId, merchantId, state]
                        properties:
                          orderId: { $ref: '#/components/schemas/OrderIdentifier' }
                          merchantId: { $ref: '#/components/schemas/MerchantIdentifier' }
                          state: { const: awaiting-first }
                '400': { $ref: '#/components/responses/InvalidRequest' }
                '401': { $ref: '#/components/responses/Unauthenticated' }
                '404': { $ref: '#/components/responses/NotFound' }
                '409': { $ref: '#/components/responses/Conflict' }
                '410': { $ref: '#/components/responses/Expired' }
                '413': { $ref: '#/components/responses/BodyTooLarge' }
                '423': { $ref: '#/components/responses/Locked' }
                '500': { $ref: '#/components/responses/Internal' }
                '503': { $ref: '#/components/responses/Busy' }
          /health:
            get:
              operationId: health
              summary: Liveness
              description: |
                Answers whenever the process serves HTTP; it touches neither the database nor the bank.
                For routing decisions use `GET /ready`.
              security: []
              responses:
                '200':
                  description: The server is up.
                  content:
                    application/json:
                      schema:
                        type: object
                        properties:
                          status: { const: ok }
          /ready:
            get:
              operationId: ready
              summary: Readiness (database and bank link)
              description: |
                Whether this instance should be sent requests: `database` (the settlement store answers a
                read) and `bank` (the link to the bank host is open, or opens now; a link the bank closed
                counts as down once the instance has read the close, a moment after it). The checks run at
                once, each given 2 s; one that takes longer counts as `failing`. A load balancer routes
                only to instances answering 200. Not being ready is not a reason to restart an instance:
                it reconnects by itself.
              security: []
              responses:
                '200':
                  description: Every check passed.
                  content:
                    application/json:
                      schema: { $ref: '#/components/schemas/Readiness' }
                      example: { checks: { bank: ok, database: ok }, status: ready }
                '503':
                  description: At least one check failed; `checks` names it.
                  content:
                    application/json:
                      schema: { $ref: '#/components/schemas/Readiness' }
                      example: { checks: { bank: ok, database: failing }, status: not-ready }
          /metrics:
            get:
              operationId: metrics
              summary: Counters, histograms and gauges in the Prometheus text format
              description: |
                Labels carry route templates, status codes, roles, method names, message types, result
                reasons and state names only: never ids or card data. The metrics:
                `pairpay_http_requests_total{route,status}`; the histogram
                `pairpay_http_request_duration_seconds{route}`; `pairpay_authentications_total{role,method}`,
                `pairpay_authentication_refusals_total{role}`; the histogram
                `pairpay_bank_round_trip_seconds{mti,outcome}` (ISO 8583 requests to the bank by message
                type, `outcome` `answered`, `timeout` or `lost`); `pairpay_settlement_results_total{status,reason}`
                (orders decided, by the signed result's status and reason);
                `pairpay_push_attempts_total{outcome}` (`delivered`, `failed`); and the gauges
                `pairpay_push_outbox{state="undelivered"}` (result pushes not delivered yet),
                `pairpay_acquirer_reversals{state="pending"|"parked"}` (reversals the bank has not
                acknowledged: waiting to be sent, or parked for the operator) and
                `pairpay_password_checks{state="running"|"queued"}` (password checks under way and waiting,
                in this instance). The outbox and reversal gauges count rows of the database, which
                instances sharing one database report alike. Histogram buckets run from 5 ms to 30 s.
              security: []
              responses:
                '200':
                  description: Prometheus exposition format 0.0.4.
                  content:
                    text/plain:
                      schema: { type: string }
          /openapi.yaml:
            get:
              operationId: openAPI
              summary: This document
              security: []
              responses:
                '200':
                  description: OpenAPI 3.1 YAML.
                  content:
                    application/yaml:
                      schema: { type: string }
        components:
          securitySchemes:
            clientCertificate:
              type: mutualTLS
              description: A client certificate issued by the PairPay CA and enrolled for the merchant or user (SHA-256 fingerprint).
            storeSignature:
              type: apiKey
              in: header
              name: PairPay-Signature
              description: |
                Lowercase hex HMAC-SHA256(key, method + "\n" + path + "\n" + timestamp + "\n" + nonce + "\n" + hex(SHA256(body)))
                with headers `PairPay-Key-Id` (the merchant's key id), `PairPay-Timestamp` (unix seconds,
                within 300 s of the server's clock) and `PairPay-Nonce` (16-64 printable ASCII characters
                without spaces, never reused: a replay is `401`). `key` is the 32 bytes whose hex
                `pairpay enroll` printed as `mac key` (hex-decoded, not the hex text). `method` is the
                upper-case HTTP method; `path` is the request path exactly as sent on the request line,
                percent-encoding untouched (not decoded), up to but not including any `?`: the query
                string is not signed (no endpoint takes one); `timestamp` is the decimal number sent in
                `PairPay-Timestamp`, written with plain digits (the server signs the number it read, so a
                sign or leading zeros would not verify); `hex` is lowercase; `body` is the raw body bytes
                (an empty body hashes to
                `e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855`). The signed string is
                UTF-8 with no trailing newline.
            userSignature:
              type: apiKey
              in: header
              name: PairPay-Signature
              description: |
                As storeSignature, with the user's key: `PairPay-Key-Id` names the user's key (printed once by
                `pairpay enroll user`) and `PairPay-User-Id` the user; the key must belong to that user.
            password:
              type: http
              scheme: basic
              description: |
                `Authorization: Basic base64(user id + ":" + password)`; the server checks it against a
                salted scrypt hash. Wrong passwords are counted per user; a right one resets the count.
                The first four wrong passwords in a row are `401 unauthenticated`; the fifth is answered
                `423 locked` with the unix time the lock ends in the message, and for the next 15 minutes
                every password for that user, the right one too, is `423 locked`. An unknown user id is
                `401`. Password checks run on a bounded pool of their own; when its queue is full the
                request is `503 busy` with `Retry-After: 1` and is not counted as a wrong password.
          parameters:
            OrderId:
              name: orderId
              in: path
              required: true
              description: The store's order id; it never needs percent-encoding. The server percent-decodes the segment before comparing it; a segment that does not decode to a valid order id is `400 invalid-request`.
              schema: { $ref: '#/components/schemas/OrderIdentifier' }
          responses:
            InvalidRequest:
              description: The request is malformed or fails validation (`invalid-request`); the message names the field and the rule.
              content:
                application/json:
                  schema: { $ref: '#/components/schemas/Error' }
            Unauthenticated:
              description: No valid credentials (`unauthenticated`), including a replayed nonce or a stale timestamp.
              content:
                application/json:
                  schema: { $ref: '#/components/schemas/Error' }
            Forbidden:
              description: Authenticated, but not allowed (`forbidden`) - `contents.merchantId` is not the merchant you authenticated as.
              content:
                application/json:
                  schema: { $ref: '#/components/schemas/Error' }
            NotFound:
              description: |
                `not-found`: no such order for this merchant (another merchant's order id included),
                unknown merchant, vault reference that is not the user's, or no such endpoint.
              content:
                application/json:
                  schema: { $ref: '#/components/schemas/Error' }
            MethodNotAllowed:
              description: The path exists but does not serve this method (`method-not-allowed`).
              headers:
                Allow:
                  description: The methods the path serves, for example `POST`.
                  schema: { type: string }
              content:
                application/json:
                  schema: { $ref: '#/components/schemas/Error' }
            Conflict:
              description: A different request for an order that already has one, or (cancel) the order is being authorized right now (`conflict`).
              content:
                application/json:
                  schema: { $ref: '#/components/schemas/Error' }
            Expired:
              description: The order expired or otherwise ended before both requests arrived (`expired`).
              content:
                application/json:
                  schema: { $ref: '#/components/schemas/Error' }
            Locked:
              description: Too many wrong passwords (`locked`); the message gives the unix time the lock ends.
              content:
                application/json:
                  schema: { $ref: '#/components/schemas/Error' }
            BodyTooLarge:
              description: The body is larger than 65 536 bytes (`body-too-large`).
              content:
                application/json:
                  schema: { $ref: '#/components/schemas/Error' }
            Internal:
              description: The server failed (`internal`); nothing was charged twice. Repeat the request unchanged later.
              content:
                application/json:
                  schema: { $ref: '#/components/schemas/Error' }
            Busy:
              description: |
                `busy`: the server cannot take this request now; nothing was written for it. Either the
                order kept changing under the request (several server instances deciding it at the same
                moment), or, for a password sign-in, every password check is taken and the queue is full
                (not counted as a wrong password). Repeat the same request after `Retry-After`; an
                identical repeat never pays twice.
              headers:
                Retry-After:
                  description: Seconds to wait before repeating; 1.
                  schema: { type: integer }
              content:
                application/json:
                  schema: { $ref: '#/components/schemas/Error' }
          schemas:
            Error:
              type: object
              required: [error]
              properties:
                error:
                  type: object
                  required: [code, message]
                  properties:
                    code:
                      type: string
                      examples: [invalid-request, unauthenticated, forbidden, not-found, method-not-allowed, conflict, expired, body-too-large, locked, internal, busy]
                    message: { type: string, description: A sentence a person understands. }
            Readiness:
              type: object
              required: [status, checks]
              properties:
                status: { enum: [ready, not-ready] }
                checks:
                  type: object
                  description: Each check by name (`database`, `bank`), `ok` or `failing`.
                  additionalProperties: { enum: [ok, failing] }
            MerchantIdentifier:
              type: string
              description: 1-32 characters from `A-Z a-z 0-9 - . _ ~` (RFC 3986 unreserved), not `.` or `..`.
              minLength: 1
              maxLength: 32
              pattern: '^[A-Za-z0-9._~-]{1,32}$'
              not: { enum: ['.', '..'] }
              examples: [MERCHANT-42]
            OrderIdentifier:
              type: string
              description: 1-64 characters from `A-Z a-z 0-9 - . _ ~` (RFC 3986 unreserved), not `.` or `..`; unique per merchant.
              minLength: 1
              maxLength: 64
              pattern: '^[A-Za-z0-9._~-]{1,64}$'
              not: { enum: ['.', '..'] }
              examples: [PP-TERM-7-3KX9D0QH2M]
            CurrencyCode:
              type: string
              description: |
                ISO 4217 alphabetic code, upper case, one of those PairPay knows: AUD BHD CAD CHF CLP CNY
                CZK DKK EUR GBP HKD IDR INR ISK JOD JPY KRW KWD MXN MYR NOK NZD OMR PHP PLN SEK SGD THB
                TND TWD UGX USD VND ZAR. Any other code is `400 invalid-request`. Amounts are integers in
                the currency's minor units (yen for JPY, cents for USD).
              pattern: '^[A-Z]{3}$'
              examples: [JPY]
            PayableAmount:
              type: integer
              format: int64
              description: An amount to pay, in minor units; 1 to 999 999 999 999 (ISO 8583 field 4 carries 12 digits).
              minimum: 1
              maximum: 999999999999
            LineItem:
              type: object
              required: [code, name, unitPrice, quantity, tax]
              description: One line; its amount is `unitPrice × quantity + tax`, which must not overflow a signed 64-bit integer.
              properties:
                code: { type: string, minLength: 1, maxLength: 32, pattern: '^[!-~]{1,32}$', description: 'Article code (JAN/EAN, PLU): 1-32 printable ASCII characters (0x21-0x7E), no spaces.' }
                name:
                  type: string
                  minLength: 1
                  maxLength: 120
                  pattern: '^[^\u0000-\u001F\u007F-\u009F]+$'
                  description: The product name as on the receipt; 1-120 UTF-8 bytes (maxLength counts characters, the server counts bytes), no control characters (U+0000-U+001F, U+007F-U+009F).
                unitPrice: { type: integer, format: int64, minimum: 0, description: Price of one unit in minor units. }
                quantity: { type: integer, format: int64, minimum: 1 }
                tax: { type: integer, format: int64, minimum: 0, description: Tax on the whole line in minor units. }
            OrderContents:
              type: object
              required: [merchantId, orderId, currency, total, lineItems]
              description: Line items are compared and hashed in the order sent; the same items in another order are a different order.
              properties:
                merchantId: { $ref: '#/components/schemas/MerchantIdentifier' }
                orderId: { $ref: '#/components/schemas/OrderIdentifier' }
                currency: { $ref: '#/components/schemas/CurrencyCode' }
                total:
                  $ref: '#/components/schemas/PayableAmount'
                  description: 'Must equal Σ(unitPrice × quantity + tax) over all line items exactly (JSON Schema cannot express this; the server checks it and answers 400 otherwise), in minor units, 1 to 999999999999.'
                lineItems:
                  type: array
                  minItems: 1
                  maxItems: 99
                  items: { $ref: '#/components/schemas/LineItem' }
            FirstSettlementRequest:
              type: object
              required: [orderId, contents]
              properties:
                orderId:
                  $ref: '#/components/schemas/OrderIdentifier'
                  description: Must equal `contents.orderId`.
                contents: { $ref: '#/components/schemas/OrderContents' }
                expiresInSeconds: { type: integer, minimum: 10, maximum: 3600, description: 'How long the customer has to pay; default: the server''s --order-ttl-seconds (120).' }
                laneId:
                  type: string
                  pattern: '^[A-Za-z0-9._~-]{1,32}$'
                  description: The register lane (registerd's terminal id); required once the merchant has lanes.
            SecondSettlementRequest:
              type: object
              required: [merchantId, orderId, currency, total, payment]
              description: |
                One of `contents` and `contentsDigest` is required; when both are sent, the digest must be
                that of the contents. The order is matched against the store's: merchant, order id,
                currency and total always; with `contents`, the number of line items and each item's code,
                quantity and unit price, position by position; with `contentsDigest`, the digest (which
                covers every field, names and item order included). A mismatch is a signed `declined`/
                `mismatch` result (200), not an error.
              anyOf:
                - required: [contents]
                - required: [contentsDigest]
              properties:
                merchantId: { $ref: '#/components/schemas/MerchantIdentifier' }
                orderId: { $ref: '#/components/schemas/OrderIdentifier' }
                currency: { $ref: '#/components/schemas/CurrencyCode' }
                total: { $ref: '#/components/schemas/PayableAmount' }
                contents: { $ref: '#/components/schemas/OrderContents' }
                contentsDigest: { type: string, pattern: '^[0-9a-f]{64}$', description: Lowercase hex SHA-256 of the canonical order encoding (docs/CANONICAL-ORDER.md). }
                payment:
                  description: Exactly one of `card` and `vaultReference`.
                  oneOf:
                    - type: object
                      required: [card]
                      properties:
                        card:
                          type: object
                          required: [pan, expiry]
                          properties:
                            pan: { type: string, pattern: '^[0-9]{12,19}$', description: 12-19 digits whose last digit is a valid Luhn check digit. }
                            expiry: { type: string, pattern: '^[0-9]{2}(0[1-9]|1[0-2])$', description: YYMM }
                            cvc: { type: string, pattern: '^[0-9]{3,4}$', description: Optional; sent to the issuer, never stored. }
                    - type: object
                      required: [vaultReference]
                      properties:
                        vaultReference: { type: string, minLength: 1, maxLength: 64, pattern: '^[!-~]{1,64}$', description: 'The reference `pairpay vault add` printed for this user (`vr_` and 32 hex digits).' }
            SettlementResult:
              type: object
              required: [resultId, merchantId, orderId, status, reason, total, currency, decidedAt]
              description: |
                The server's final word on an order. `reason` refines `status`: `approved` (approved);
                `declined`, `insufficient-funds`, `expired-card`, `invalid-card`, `incorrect-cvc`,
                `limit-exceeded` (the issuer said no); `issuer-unavailable` (the issuer answered 91 or 96,
                or the bank link was down so nothing was sent); `mismatch` (the phone's order differs from the
                store's; the issuer was never asked and `total` is 0); `reversed` with `declined` (the
                issuer's answer was lost or a crash interrupted the authorization: it was reversed,
                nothing stays charged) or with `cancelled` (the store cancelled an approved payment: it was
                reversed); `expired`; `cancelled` (cancelled before anything was authorized);
                `internal-error` (with `declined`: the server could not complete the authorization; check
                with the operator). The customer pays again with a new order.
              properties:
                resultId: { type: string, description: 'Unique per result (`res_` and 32 hex digits).' }
                merchantId: { type: string }
                orderId: { type: string }
                status: { enum: [approved, declined, expired, cancelled] }
                reason:
                  enum: [approved, declined, insufficient-funds, expired-card, invalid-card, incorrect-cvc, limit-exceeded, issuer-unavailable, mismatch, expired, cancelled, reversed, internal-error]
                total: { type: integer, format: int64, minimum: 0, description: The order's total in minor units; 0 for a mismatch. }
                currency: { type: string }
                approvalCode: { type: string, description: The issuer's approval code, for approved results. }
                cardLast4: { type: string, pattern: '^[0-9]{4}$' }
                decidedAt: { type: integer, description: unix seconds }
                receipt:
                  type: object
                  description: 'What a receipt prints of an approved authorization; present on approved results whose authorization the acquirer knows. With it the signature is over `PAIRPAY-RESULT-V2` bytes (docs/CANONICAL-ORDER.md §4).'
                  required: [rrn, stan, terminalId, cardBrand]
                  properties:
                    rrn: { type: string, description: 'Retrieval reference number (ISO 8583 field 37), 12 characters.' }
                    stan: { type: string, pattern: '^[0-9]{6}$' }
                    terminalId: { type: string, description: 'The acquirer terminal id (field 41), without padding.' }
                    cardBrand: { enum: [visa, mastercard, amex, jcb, discover, diners, unionpay, other] }
            SignedSettlementResult:
              type: object
              required: [result, keyId, signature]
              properties:
                result: { $ref: '#/components/schemas/SettlementResult' }
                keyId: { type: string, description: The id of the server's result key (the first 16 hex digits of SHA-256 of the raw public key by default). }
                signature: { type: string, description: 'base64 Ed25519 signature over the result''s canonical bytes (docs/CANONICAL-ORDER.md)' }
            RefundRequest:
              type: object
              required: [refundId, amount, currency]
              properties:
                refundId: { $ref: '#/components/schemas/OrderIdentifier' }
                amount: { $ref: '#/components/schemas/PayableAmount' }
                currency: { $ref: '#/components/schemas/CurrencyCode' }
            RefundResult:
              type: object
              required: [refundId, merchantId, orderId, status, reason, amount, currency, decidedAt]
              description: |
                The server's final word on a refund. `reason`: `approved`; `exceeds-captured` (the
                refunds of the sale would add up to more than it captured: nothing was sent);
                `not-refundable` (the sale's payment was reversed or its capture refused); `declined` (the
                bank refused the refund).
              properties:
                refundId: { type: string }
                merchantId: { type: string }
                orderId: { type: string }
                status: { enum: [approved, declined] }
                reason: { enum: [approved, exceeds-captured, not-refundable, declined] }
                amount: { type: integer, format: int64, description: 'What was given back (declined: what was asked for), minor units.' }
                currency: { type: string }
                approvalCode: { type: string, description: The bank's approval code of an approved refund. }
                decidedAt: { type: integer, description: unix seconds }
            SignedRefundResult:
              type: object
              required: [refund, keyId, signature]
              properties:
                refund: { $ref: '#/components/schemas/RefundResult' }
                keyId: { type: string, description: The id of the server's result key (the same key as sales' results). }
                signature: { type: string, description: 'base64 Ed25519 signature over the refund''s canonical bytes (docs/CANONICAL-ORDER.md §4, refund results)' }
            RefundView:
              type: object
              required: [refundId, orderId, merchantId, state, amount, currency]
              properties:
                refundId: { type: string }
                orderId: { type: string }
                merchantId: { type: string }
                state:
                  enum: [pending, final]
                  description: '`pending`: stored and sent, the bank''s answer not in yet; `final`: `result` is present.'
                amount: { type: integer, format: int64 }
                currency: { type: string }
                result: { $ref: '#/components/schemas/SignedRefundResult' }
            BatchCloseRequest:
              type: object
              properties:
                laneId: { type: string, pattern: '^[A-Za-z0-9._~-]{1,32}$', description: 'The lane to close; absent: every lane.' }
                batchId: { type: string, pattern: '^[A-Za-z0-9._~-]{1,64}$', description: 'The store''s id of this close (registerd: `{terminal id}-{period}`); absent: a new one.' }
                existing: { type: boolean, description: 'Only report a batch closed before (needs batchId); 404 for one never closed.' }
            HostTotals:
              type: object
              required: [capturedCount, capturedAmount, refundedCount, refundedAmount]
              properties:
                capturedCount: { type: integer, format: int64 }
                capturedAmount: { type: integer, format: int64, description: minor units }
                refundedCount: { type: integer, format: int64 }
                refundedAmount: { type: integer, format: int64, description: minor units }
            BatchClose:
              type: object
              required: [merchantId, batchId, closedAt, state, captures, totals, sales, reconciliations, differences]
              properties:
                merchantId: { type: string }
                batchId: { type: string }
                laneId: { type: string, description: 'Absent when every lane was closed.' }
                closedAt: { type: integer, description: unix seconds }
                state: { enum: [balanced, out-of-balance, incomplete] }
                sales:
                  type: array
                  description: The batch per currency, as the server decided it.
                  items:
                    type: object
                    required: [currency, approvedCount, approvedAmount, voidedCount, voidedAmount, refundedCount, refundedAmount]
                    properties:
                      currency: { type: string }
                      approvedCount: { type: integer }
                      approvedAmount: { type: integer, format: int64 }
                      voidedCount: { type: integer }
                      voidedAmount: { type: integer, format: int64 }
                      refundedCount: { type: integer }
                      refundedAmount: { type: integer, format: int64 }
                reconciliations:
                  type: array
                  items:
                    type: object
                    required: [terminalId, currency, state, acquirer]
                    properties:
                      terminalId: { type: string }
                      currency: { type: string }
                      state: { enum: [balanced, out-of-balance, unanswered, refused] }
                      responseCode: { type: string, description: 'The bank''s field 39, once it answered.' }
                      acquirer: { $ref: '#/components/schemas/HostTotals' }
                      bank: { $ref: '#/components/schemas/HostTotals' }
                differences:
                  type: array
                  items: { type: string }
                captures:
                  type: array
                  items:
                    type: object
                    required: [orderId, amount, currency, state]
                    properties:
                      orderId: { type: string }
                      amount: { type: integer, format: int64 }
                      currency: { type: string }
                      state: { enum: [captured, declined, pending] }
                totals:
                  type: array
                  items:
                    type: object
                    required: [currency, count, amount]
                    properties:
                      currency: { type: string }
                      count: { type: integer }
                      amount: { type: integer, format: int64 }
            OrderStatusView:
              type: object
              required: [orderId, merchantId, state, expiresAt]
              properties:
                orderId: { type: string }
                merchantId: { type: string }
                state:
                  enum: [awaiting-second, awaiting-first, authorizing, final]
                  description: '`awaiting-second`: the store''s request is in, the phone''s is not; `awaiting-first`: the reverse; `authorizing`: the issuer is being asked; `final`: `result` is present.'
                result: { $ref: '#/components/schemas/SignedSettlementResult' }
                expiresAt: { type: integer, description: unix seconds }
        """#
}
