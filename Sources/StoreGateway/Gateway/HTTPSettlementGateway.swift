import Logging
import PairPayCore
import Register
import RegisterProtocol
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// registerd's settlement gateway over HTTPS (issue 5): sends each sale to settlementd
/// (`POST /v1/orders`), learns its outcome by the configured result paths (relay, push, query)
/// and cancels or voids it (`POST /v1/orders/{id}/cancel`).
///
/// No outcome is ever invented: approved, declined, expired and cancelled only come from a
/// result signed by the server and checked for this order (``ResultCheck``). When the payment
/// deadline passes the gateway asks the server (after a short grace, as the server expires the
/// order itself), and keeps asking with back-off while the server cannot be reached: the sale
/// stays open and the register keeps getting PROGRESS.
///
/// Call ``start()`` before use (it binds the relay endpoint and the push receiver) and
/// ``shutdown()`` at the end.
public final class HTTPSettlementGateway: SettlementGateway {
    /// The gateway's settings.
    public let configuration: StoreGatewayConfiguration
    let client: SettlementClient
    let check: ResultCheck
    /// Where results arrive, whichever path brings them.
    public let mailbox: ResultMailbox
    let logger: Logger
    let listeners = Mutex<[Task<Void, Never>]>([])
    let relayURL = Mutex<String?>(nil)
    /// The TLS listeners' certificates, as ``listenerServices()`` made them last.
    let listenerCertificates = Mutex<[ListenerCertificate]>([])

    /// The certificates of the TLS listeners (push receiver, relay endpoint with TLS), for
    /// registerd's SIGHUP reload and expiry warnings.
    public var tlsListenerCertificates: [ListenerCertificate] { listenerCertificates.withLock { $0 } }

    /// Checks the configuration and prepares the HTTPS client; nothing is bound yet.
    /// - Throws: ``StoreGatewayConfigurationError`` naming the option to fix.
    public init(
        configuration: StoreGatewayConfiguration, logger: Logger
    ) throws(StoreGatewayConfigurationError) {
        guard let url = URLComponents(string: configuration.settlementURL), url.scheme == "https",
            let host = url.host, !host.isEmpty, url.path.isEmpty || url.path == "/"
        else {
            throw .invalid(
                option: "settlement-url",
                reason: "'\(configuration.settlementURL)' must be https://HOST:PORT of settlementd")
        }
        guard OrderContents.isValidIdentifier(configuration.merchantID, maxLength: 32) else {
            throw .invalid(
                option: "merchant-id",
                reason: "must be 1 to 32 characters from A-Z a-z 0-9 - . _ ~, as enrolled")
        }
        guard FirstSettlementRequest.allowedExpiry.contains(configuration.orderTTLSeconds) else {
            throw .invalid(option: "order-ttl-seconds", reason: "must be between 10 and 3600")
        }
        guard configuration.pollInterval >= .milliseconds(100),
            configuration.pollInterval <= configuration.maximumPollInterval
        else {
            throw .invalid(option: "poll-interval-ms", reason: "must be between 100 and 8000")
        }
        if let relay = configuration.relayURL, !Self.isHTTPURL(relay) {
            throw .invalid(
                option: "relay-url", reason: "'\(relay)' must be an http:// or https:// URL without spaces")
        }
        self.configuration = configuration
        self.logger = logger
        check = try ResultCheck(
            serverPublicKey: configuration.serverPublicKey, merchantID: configuration.merchantID)
        mailbox = ResultMailbox(check: check, logger: logger)
        client = try SettlementClient(configuration: configuration, logger: logger)
        relayURL.withLock { $0 = configuration.relayURL }
    }

    /// The relay URL put in the phone payload, once known (configured, or the endpoint's bound address).
    public var phoneRelayURL: String? { relayURL.withLock { $0 } }

    // MARK: - First request

    public func register(_ order: StoreOrder) async throws(SettlementGatewayError) -> PaymentInvitation {
        let contents = try Self.contents(of: order, merchantID: configuration.merchantID)
        let body: [UInt8]
        do {
            let request = try FirstSettlementRequest(
                orderID: order.orderID, contents: contents, expiresInSeconds: configuration.orderTTLSeconds,
                laneID: configuration.laneID)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            body = Array(try encoder.encode(request))
        } catch {
            throw .refused("the sale cannot be sent to settlementd: \(error)")
        }
        await mailbox.expect(order)
        let reply = try await client.sendRetrying(.POST, "/v1/orders", body: body)
        guard reply.isSuccess else { throw reply.failure("order \(order.orderID)") }
        let status = try reply.orderStatus()
        if status.isFinal, let signed = status.result {
            // A resumed sale whose outcome the server already knows: available at once.
            do throws(ResultRejection) {
                _ = try await mailbox.receive(signed, for: order, via: .query)
            } catch {
                logger.critical(
                    "order \(order.orderID): settlementd's result does not verify (\(error)); check server-public-key"
                )
            }
        }
        let payload: String
        do {
            let request = try PaymentPayload(
                contents: contents, serverURL: configuration.checkoutURL ?? configuration.settlementURL,
                expiresAt: status.expiresAt,
                relayURL: configuration.resultPaths.contains(.relay) ? phoneRelayURL : nil)
            switch configuration.payloadFormat {
            case .checkoutURL: payload = request.checkoutURL
            case .pairpay1: payload = try request.text()
            }
        } catch {
            throw .refused("the phone payload cannot be made: \(error)")
        }
        let secondsLeft = max(0, status.expiresAt - Int64(Date().timeIntervalSince1970))
        logger.info(
            "order \(order.orderID) registered at settlementd (\(status.state), \(secondsLeft) s to pay)")
        return PaymentInvitation(phonePayload: payload, expiresIn: .seconds(secondsLeft))
    }

    /// The order contents the first request carries for `order`.
    static func contents(
        of order: StoreOrder, merchantID: String
    ) throws(SettlementGatewayError) -> OrderContents {
        do {
            let items = try order.sale.sale.lineItems.map { line throws(OrderValidationError) in
                try OrderLineItem(
                    code: line.code, name: line.name, unitPrice: line.unitPrice,
                    quantity: Int64(line.quantity),
                    tax: line.tax)
            }
            let contents = try OrderContents(
                merchantID: merchantID, orderID: order.orderID, currency: order.total.currency,
                lineItems: items)
            guard contents.total == order.total else {
                throw OrderValidationError.invalidField(
                    "total", "the lines add up to \(contents.total), not \(order.total)")
            }
            return contents
        } catch {
            throw .refused("the sale cannot be sent to settlementd: \(error)")
        }
    }

    // MARK: - Relay through the register

    public func verifyRelayedResult(
        _ relayData: String, for order: StoreOrder
    ) async throws(SettlementGatewayError) -> SettlementOutcome {
        guard configuration.resultPaths.contains(.relay) else {
            throw .relayRejected(
                "relay is not one of the enabled result paths (\(configuration.resultPathList))")
        }
        let signed: SignedSettlementResult
        do { signed = try SignedSettlementResult(relayText: relayData) } catch {
            throw .relayRejected("\(error)")
        }
        do throws(ResultRejection) {
            switch try await mailbox.receive(signed, for: order, via: .relay) {
            case .accepted(let delivery), .alreadyKnown(let delivery):
                return SettlementOutcome(delivery.result, source: delivery.source)
            }
        } catch {
            logger.warning("order \(order.orderID): relayed result refused: \(error)")
            throw .relayRejected(error.description)
        }
    }

    static func isHTTPURL(_ text: String) -> Bool {
        guard text.utf8.count <= 256, text.utf8.allSatisfy({ (0x21...0x7E).contains($0) }),
            let components = URLComponents(string: text), let scheme = components.scheme,
            ["http", "https"].contains(scheme), let host = components.host, !host.isEmpty
        else { return false }
        return true
    }

    // MARK: - Lifecycle

    /// Stops the listeners and the HTTPS client.
    public func shutdown() async {
        let tasks = listeners.withLock { tasks in
            defer { tasks = [] }
            return tasks
        }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
        await client.shutdown()
    }
}
