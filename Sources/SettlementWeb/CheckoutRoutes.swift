import Foundation
import Hummingbird
import Logging
import PairPayCore
import PairPayQR
import SettlementHTTP

/// The payment page of the seed's main embodiment (Fig. 5 and 6), served by settlementd: any
/// phone's browser opens the checkout link of the QR code, sees the order, pays by card (guest) or
/// signs in and picks a vaulted card, watches the bank being asked, and gets the signed result
/// with a QR code for the register's scanner. Plain forms and redirects: no script at all.
///
/// The form is the second request: the page's claim (from the link: merchant, order, total,
/// digest) is compared with the store's first request by the engine as always, so a doctored link
/// is declined without a bank call. Card numbers are never logged, echoed or kept by the pages.
public struct CheckoutRoutes: PageRoutes {
    /// The payer of a guest payment (claim 14). User ids can never contain `:` (HTTP Basic could
    /// not carry them), so no enrolled user is this one.
    public static let guestPayer = "guest:web"

    let backend: any CheckoutBackend
    let tokens: FormTokens
    let limits: CheckoutLimits
    let tracker = CheckoutTracker()
    let logger: Logger
    let now: @Sendable () -> Date

    /// - Parameters:
    ///   - tokens: signs the forms, sessions and result tickets (one key for all instances).
    ///   - signInsPerMinute: sign-ins a client address may make a minute (after a burst of as many).
    ///   - paymentsPerMinute: payments a client address may start a minute (likewise).
    public init(
        backend: any CheckoutBackend, tokens: FormTokens = FormTokens(), signInsPerMinute: Int = 10,
        paymentsPerMinute: Int = 20, logger: Logger, now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.backend = backend
        self.tokens = tokens
        self.limits = CheckoutLimits(
            signIn: (signInsPerMinute, signInsPerMinute), pay: (paymentsPerMinute, paymentsPerMinute))
        self.logger = logger
        self.now = now
    }

    public var routeTable: [RouteTable.Route] {
        [
            RouteTable.Route(segments: ["checkout.css"], methods: [.get]),
            RouteTable.Route(segments: ["p", "*", "*"], methods: [.get]),
            RouteTable.Route(segments: ["p", "*", "*", "pay"], methods: [.post]),
            RouteTable.Route(segments: ["p", "*", "*", "sign-in"], methods: [.post]),
            RouteTable.Route(segments: ["p", "*", "*", "status"], methods: [.get]),
        ]
    }

    public func add(to router: Router<SettlementRequestContext>) {
        router.get("/checkout.css") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/css; charset=utf-8"
            headers[.cacheControl] = "public, max-age=3600"
            return Response(
                status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: CheckoutStyle.css)))
        }
        router.get("/p/:merchantId/:orderId") { request, context in await self.show(request, context) }
        router.post("/p/:merchantId/:orderId/pay") { request, context in await self.pay(request, context) }
        router.post("/p/:merchantId/:orderId/sign-in") { request, context in
            await self.signIn(request, context)
        }
        router.get("/p/:merchantId/:orderId/status") { request, context in await self.status(request, context)
        }
    }
}
