import Foundation
import Hummingbird
import Logging
import PairPayCore

/// Builds the settlement API's router: store endpoints, the phone endpoint, health, metrics and
/// the OpenAPI document.
public struct SettlementRoutes: Sendable {
    /// Largest request body accepted, in bytes.
    public static let defaultBodyLimit = 64 * 1024

    let api: any SettlementAPI
    let credentials: any CredentialDirectory
    let policy: AuthenticationPolicy
    let metrics: SettlementMetrics
    let bodyLimit: Int
    let pages: (any PageRoutes)?
    let readiness: [any ReadinessCheck]
    let now: @Sendable () -> Date

    /// - Parameters:
    ///   - pages: routes served beside the API (settlementd's payment pages), if any.
    ///   - readiness: what `GET /ready` checks (each within ``readinessTimeout``).
    public init(
        api: any SettlementAPI, credentials: any CredentialDirectory, policy: AuthenticationPolicy = .init(),
        metrics: SettlementMetrics = .init(), bodyLimit: Int = SettlementRoutes.defaultBodyLimit,
        pages: (any PageRoutes)? = nil, readiness: [any ReadinessCheck] = [],
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.pages = pages
        self.readiness = readiness
        self.api = api
        self.credentials = credentials
        self.policy = policy
        self.metrics = metrics
        self.bodyLimit = bodyLimit
        self.now = now
    }

    /// The router with every endpoint and middleware.
    public func router() -> Router<SettlementRequestContext> {
        let router = Router(context: SettlementRequestContext.self)
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        router.add(middleware: ErrorMiddleware(bodyLimit: bodyLimit, extraRoutes: pages?.routeTable ?? []))
        router.get("/health") { _, _ in try JSONBody.response(["status": "ok"]) }
        router.get("/ready") { _, _ in await self.ready() }
        router.get("/metrics") { [metrics] _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(
                status: .ok, headers: headers,
                body: .init(byteBuffer: ByteBuffer(string: await metrics.renderWithGauges())))
        }
        router.get("/openapi.yaml") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/yaml; charset=utf-8"
            return Response(
                status: .ok, headers: headers,
                body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml)))
        }
        let store = router.group("/v1/orders").add(middleware: authentication(.store))
        store.post("") { request, context in try await self.first(request, context) }
        store.get("/:orderId") { request, context in try await self.query(request, context) }
        store.post("/:orderId/cancel") { request, context in try await self.cancel(request, context) }
        if let postSale = api as? any PostSaleAPI {
            store.post("/:orderId/refunds") { request, context in
                try await self.refund(request, context, postSale)
            }
            store.get("/:orderId/refunds") { request, context in
                try await self.refunds(request, context, postSale)
            }
            let batches = router.group("/v1/batches").add(middleware: authentication(.store))
            batches.post("/close") { request, context in
                let merchantID = try context.merchantID()
                let close = try await JSONBody.decodeIfPresent(
                    BatchCloseRequest.self, from: request, limit: self.bodyLimit)
                let view = try await self.call {
                    try await postSale.closeBatch(close ?? (try! BatchCloseRequest()), merchantID: merchantID)
                }
                return try JSONBody.response(view)
            }
        }
        let phone = router.group("/v1/orders/:orderId/payment").add(middleware: authentication(.user))
        phone.post("") { request, context in try await self.second(request, context) }
        pages?.add(to: router)
        return router
    }

    func authentication(_ role: APIRole) -> AuthenticationMiddleware {
        AuthenticationMiddleware(
            role: role, credentials: credentials, policy: policy, bodyLimit: bodyLimit, metrics: metrics,
            now: now)
    }

    func first(_ request: Request, _ context: SettlementRequestContext) async throws -> Response {
        let merchantID = try context.merchantID()
        let first = try await JSONBody.decode(FirstSettlementRequest.self, from: request, limit: bodyLimit)
        guard first.contents.merchantID == merchantID else {
            throw APIError.forbidden(
                "contents.merchantId is not the merchant you authenticated as; a store may only submit its own orders."
            )
        }
        let status: any Encodable & Sendable = try await call {
            try await api.submitFirst(first, merchantID: merchantID)
        }
        return try JSONBody.response(status)
    }

    func second(_ request: Request, _ context: SettlementRequestContext) async throws -> Response {
        guard case .user(let userID, _) = context.party else {
            throw APIError.unauthenticated("This endpoint is for users' phones.")
        }
        let orderID = try Self.orderID(in: context)
        let second = try await JSONBody.decode(SecondSettlementRequest.self, from: request, limit: bodyLimit)
        guard second.orderID == orderID else {
            throw APIError.invalidRequest("orderId in the body differs from the order id in the path.")
        }
        if let result = try await call({ try await api.submitSecond(second, userID: userID) }) {
            return try JSONBody.response(result)
        }
        return try JSONBody.response(
            AwaitingFirst(orderId: orderID, merchantId: second.merchantID), status: .accepted)
    }

    func query(_ request: Request, _ context: SettlementRequestContext) async throws -> Response {
        let merchantID = try context.merchantID()
        let orderID = try Self.orderID(in: context)
        let status: any Encodable & Sendable = try await call {
            try await api.order(orderID, merchantID: merchantID)
        }
        return try JSONBody.response(status)
    }

    func cancel(_ request: Request, _ context: SettlementRequestContext) async throws -> Response {
        let merchantID = try context.merchantID()
        let orderID = try Self.orderID(in: context)
        let status: any Encodable & Sendable = try await call {
            try await api.cancel(orderID, merchantID: merchantID)
        }
        return try JSONBody.response(status)
    }

    /// `POST /v1/orders/{orderId}/refunds`: 200 with the final refund, 202 while the bank has not
    /// answered yet (send the same request again, or read `GET …/refunds`).
    func refund(
        _ request: Request, _ context: SettlementRequestContext, _ postSale: any PostSaleAPI
    ) async throws -> Response {
        let merchantID = try context.merchantID()
        let orderID = try Self.orderID(in: context)
        let refund = try await JSONBody.decode(RefundRequest.self, from: request, limit: bodyLimit)
        let view = try await call {
            try await postSale.refund(refund, orderID: orderID, merchantID: merchantID)
        }
        return try JSONBody.response(view, status: view.state == .pending ? .accepted : .ok)
    }

    /// `GET /v1/orders/{orderId}/refunds`: `{"refunds": [...]}`, oldest first.
    func refunds(
        _ request: Request, _ context: SettlementRequestContext, _ postSale: any PostSaleAPI
    ) async throws -> Response {
        let merchantID = try context.merchantID()
        let orderID = try Self.orderID(in: context)
        let views = try await call { try await postSale.refunds(orderID: orderID, merchantID: merchantID) }
        return try JSONBody.response(["refunds": views])
    }

    /// Runs an engine call, turning its errors into API errors.
    func call<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as any APIErrorConvertible {
            throw error.apiError
        }
    }
}

extension SettlementRoutes {
    /// The `{orderId}` path segment, percent-decoded (a client may encode even characters that
    /// need no encoding) and checked: order ids are 1–64 characters from `A–Z a–z 0–9 - . _ ~`.
    static func orderID(in context: SettlementRequestContext) throws -> String {
        let raw = try context.parameters.require("orderId")
        guard let decoded = raw.removingPercentEncoding,
            OrderContents.isValidIdentifier(decoded, maxLength: 64)
        else {
            throw APIError.invalidRequest(
                "The order id in the path must be 1–64 characters from A–Z a–z 0–9 - . _ ~ (not . or ..).")
        }
        return decoded
    }
}

/// The answer to a second request that arrived before the store's first request.
struct AwaitingFirst: Encodable {
    let orderId: String
    let merchantId: String
    var state = "awaiting-first"
}

extension SettlementRequestContext {
    func merchantID() throws -> String {
        guard case .merchant(let id, _) = party else {
            throw APIError.unauthenticated("This endpoint is for stores.")
        }
        return id
    }
}
