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
            back-off until a 2xx, and (3) by the store querying `GET /v1/orders/{orderId}`.

            All traffic is TLS. Stores authenticate with a client certificate issued by the PairPay CA
            (mutual TLS) or a request signature; users with a client certificate, a request signature or
            their user id and password. Every error is `{"error": {"code", "message"}}`.
            Card numbers are never returned: results carry at most the last four digits.
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
                Registers the order for the authenticated merchant (`contents.merchantId` must be that
                merchant). An identical repeat returns the same answer; a different request for the same
                order id is `409 conflict`.
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
                '409': { $ref: '#/components/responses/Conflict' }
                '413': { $ref: '#/components/responses/BodyTooLarge' }
          /v1/orders/{orderId}:
            parameters:
              - $ref: '#/components/parameters/OrderId'
            get:
              operationId: getOrder
              summary: The order's status and signed result (result path 3)
              description: Only the merchant that submitted the order may read it.
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
                '403': { $ref: '#/components/responses/Forbidden' }
                '404': { $ref: '#/components/responses/NotFound' }
          /v1/orders/{orderId}/cancel:
            parameters:
              - $ref: '#/components/parameters/OrderId'
            post:
              operationId: cancelOrder
              summary: The store cancels its order
              description: An approved payment is reversed at the issuer. Send an empty body.
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
                '403': { $ref: '#/components/responses/Forbidden' }
                '404': { $ref: '#/components/responses/NotFound' }
                '409': { $ref: '#/components/responses/Conflict' }
          /v1/orders/{orderId}/payment:
            parameters:
              - $ref: '#/components/parameters/OrderId'
            post:
              operationId: submitSecondRequest
              summary: The phone's second request (order claim and payment)
              description: |
                The user pays the order with a card or a vaulted card. `orderId` in the body must equal
                the path's. Answers the signed result (result path 1) once decided, or `202` with
                `state: awaiting-first` while the store's first request has not arrived; repeat the
                identical request to collect the result.
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
                          orderId: { type: string }
                          merchantId: { type: string }
                          state: { const: awaiting-first }
                '400': { $ref: '#/components/responses/InvalidRequest' }
                '401': { $ref: '#/components/responses/Unauthenticated' }
                '403': { $ref: '#/components/responses/Forbidden' }
                '409': { $ref: '#/components/responses/Conflict' }
                '410': { $ref: '#/components/responses/Expired' }
                '413': { $ref: '#/components/responses/BodyTooLarge' }
                '423': { $ref: '#/components/responses/Locked' }
          /health:
            get:
              operationId: health
              summary: Liveness
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
          /metrics:
            get:
              operationId: metrics
              summary: Counters in the Prometheus text format
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
                within 300 s of the server's clock) and `PairPay-Nonce` (16-64 characters, never reused).
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
              description: User id and password. Five wrong passwords lock the user for 15 minutes (423).
          parameters:
            OrderId:
              name: orderId
              in: path
              required: true
              schema: { type: string, minLength: 1, maxLength: 64 }
          responses:
            InvalidRequest:
              description: The request is malformed or fails validation (`invalid-request`).
              content:
                application/json:
                  schema: { $ref: '#/components/schemas/Error' }
            Unauthenticated:
              description: No valid credentials (`unauthenticated`), including a replayed nonce or a stale timestamp.
              content:
                application/json:
                  schema: { $ref: '#/components/schemas/Error' }
            Forbidden:
              description: Authenticated, but not allowed (`forbidden`), e.g. another merchant's order.
              content:
                application/json:
                  schema: { $ref: '#/components/schemas/Error' }
            NotFound:
              description: No such order or endpoint (`not-found`).
              content:
                application/json:
                  schema: { $ref: '#/components/schemas/Error' }
            Conflict:
              description: A different request for an order that already has one (`conflict`).
              content:
                application/json:
                  schema: { $ref: '#/components/schemas/Error' }
            Expired:
              description: The order expired before both requests arrived (`expired`).
              content:
                application/json:
                  schema: { $ref: '#/components/schemas/Error' }
            Locked:
              description: Too many wrong passwords (`locked`).
              content:
                application/json:
                  schema: { $ref: '#/components/schemas/Error' }
            BodyTooLarge:
              description: The body exceeds the server's limit (`body-too-large`).
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
                      examples: [invalid-request, unauthenticated, forbidden, not-found, conflict, expired, locked, body-too-large, internal]
                    message: { type: string, description: A sentence a person understands. }
            LineItem:
              type: object
              required: [code, name, unitPrice, quantity, tax]
              properties:
                code: { type: string }
                name: { type: string }
                unitPrice: { type: integer, minimum: 0 }
                quantity: { type: integer, minimum: 1 }
                tax: { type: integer, minimum: 0 }
            OrderContents:
              type: object
              required: [merchantId, orderId, currency, total, lineItems]
              properties:
                merchantId: { type: string, minLength: 1, maxLength: 32 }
                orderId: { type: string, minLength: 1, maxLength: 64 }
                currency: { type: string, examples: [JPY] }
                total: { type: integer, description: 'Sum of unitPrice × quantity + tax over all items, in minor units.' }
                lineItems:
                  type: array
                  minItems: 1
                  maxItems: 99
                  items: { $ref: '#/components/schemas/LineItem' }
            FirstSettlementRequest:
              type: object
              required: [orderId, contents]
              properties:
                orderId: { type: string }
                contents: { $ref: '#/components/schemas/OrderContents' }
                expiresInSeconds: { type: integer, minimum: 10, maximum: 3600 }
            SecondSettlementRequest:
              type: object
              required: [merchantId, orderId, currency, total, payment]
              description: One of `contents` and `contentsDigest` is required.
              properties:
                merchantId: { type: string }
                orderId: { type: string }
                currency: { type: string }
                total: { type: integer }
                contents: { $ref: '#/components/schemas/OrderContents' }
                contentsDigest: { type: string, pattern: '^[0-9a-f]{64}$', description: Lowercase hex SHA-256 of the canonical order encoding (docs/CANONICAL-ORDER.md). }
                payment:
                  oneOf:
                    - type: object
                      required: [card]
                      properties:
                        card:
                          type: object
                          required: [pan, expiry]
                          properties:
                            pan: { type: string, pattern: '^[0-9]{12,19}$' }
                            expiry: { type: string, pattern: '^[0-9]{4}$', description: YYMM }
                            cvc: { type: string, pattern: '^[0-9]{3,4}$' }
                    - type: object
                      required: [vaultReference]
                      properties:
                        vaultReference: { type: string }
            SettlementResult:
              type: object
              required: [resultId, merchantId, orderId, status, reason, total, currency, decidedAt]
              properties:
                resultId: { type: string }
                merchantId: { type: string }
                orderId: { type: string }
                status: { enum: [approved, declined, expired, cancelled] }
                reason:
                  enum: [approved, declined, insufficient-funds, expired-card, invalid-card, incorrect-cvc, limit-exceeded, issuer-unavailable, mismatch, expired, cancelled, reversed, internal-error]
                total: { type: integer }
                currency: { type: string }
                approvalCode: { type: string }
                cardLast4: { type: string, pattern: '^[0-9]{4}$' }
                decidedAt: { type: integer, description: unix seconds }
            SignedSettlementResult:
              type: object
              required: [result, keyId, signature]
              properties:
                result: { $ref: '#/components/schemas/SettlementResult' }
                keyId: { type: string }
                signature: { type: string, description: 'base64 Ed25519 signature over the result''s canonical bytes' }
            OrderStatusView:
              type: object
              required: [orderId, merchantId, state, expiresAt]
              properties:
                orderId: { type: string }
                merchantId: { type: string }
                state: { enum: [awaiting-second, awaiting-first, authorizing, final] }
                result: { $ref: '#/components/schemas/SignedSettlementResult' }
                expiresAt: { type: integer, description: unix seconds }
        """#
}
