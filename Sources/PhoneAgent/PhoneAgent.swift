import Foundation
import PairPayCore

/// The customer's side of an in-store PairPay payment, without any I/O of its own: it reads the
/// payment code, builds and authenticates the second request, sends it through a
/// ``PhoneHTTPTransport``, repeats it while the store's request is not in yet, and verifies the
/// server's signed result before anybody believes it.
///
/// ```swift
/// let agent = PhoneAgent(configuration: configuration, transport: transport)
/// let payload = try agent.read(scannedText)            // refuses another server's code
/// print(OrderPresentation(payload).lines.joined(separator: "\n"))
/// let outcome = try await agent.pay(payload, with: wallet.card(named: nil).instrument)
/// print(outcome.resultLine)                             // result approved (approved) …
/// try await agent.relay(outcome, for: payload)          // to the store, if it asked for it
/// ```
public struct PhoneAgent: Sendable {
    /// Server, server key, sign-in and retry policy.
    public let configuration: PhoneAgentConfiguration
    let transport: any PhoneHTTPTransport
    let now: @Sendable () -> Date
    let sleep: @Sendable (Duration) async throws -> Void
    let makeNonce: @Sendable () -> String

    /// Creates an agent.
    /// - Parameters:
    ///   - now: the clock the payment code's expiry and request timestamps are read from.
    ///   - sleep: waits between repeats (tests pass one that returns at once).
    ///   - nonce: a new request-signature nonce per call; random (128 bits) by default.
    public init(
        configuration: PhoneAgentConfiguration, transport: any PhoneHTTPTransport,
        now: @escaping @Sendable () -> Date = Date.init,
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        nonce: @escaping @Sendable () -> String = PhoneAgent.randomNonce
    ) {
        self.configuration = configuration
        self.transport = transport
        self.now = now
        self.sleep = sleep
        self.makeNonce = nonce
    }

    /// Reads a scanned payment code and checks that it names the configured server.
    /// - Throws: ``PhoneAgentError/invalidPayload(_:)`` or ``PhoneAgentError/wrongServer(payload:configured:)``.
    public func read(_ text: String) throws(PhoneAgentError) -> PaymentPayload {
        let payload: PaymentPayload
        do { payload = try PaymentPayload(text: text) } catch { throw .invalidPayload(error) }
        guard let named = ServerAddress(payload.serverURL),
            named == ServerAddress(configuration.serverURL)
        else { throw .wrongServer(payload: payload.serverURL, configured: configuration.serverURL) }
        return payload
    }

    /// The second request for `payload`: its claim and the payment instrument.
    /// - Throws: ``PhoneAgentError/invalidOrder(_:)`` when the code's order cannot be claimed.
    public func paymentRequest(
        for payload: PaymentPayload, paying instrument: PaymentInstrument
    ) throws(PhoneAgentError) -> SecondSettlementRequest {
        do {
            return SecondSettlementRequest(claim: try payload.claim(), payment: instrument)
        } catch {
            throw .invalidOrder(error)
        }
    }

    /// Pays `payload` with `instrument` and returns the verified result.
    ///
    /// While the server answers 202 (the store's request is not in yet) the identical request is
    /// repeated, each time with a new nonce, after the ``RetryPolicy``'s back-off, until a final
    /// result or the code's expiry; after the expiry it asks once more before giving up. Repeats
    /// are safe: the server answers an identical request with the same result and charges once.
    /// - Parameter progress: called before each attempt and each wait.
    /// - Throws: ``PhoneAgentError`` for anything but a verified final result; a declined,
    ///   expired or cancelled result is an outcome, not an error.
    public func pay(
        _ payload: PaymentPayload, with instrument: PaymentInstrument,
        progress: (PaymentProgress) -> Void = { _ in }
    ) async throws(PhoneAgentError) -> PaymentOutcome {
        let nowSeconds = Int64(now().timeIntervalSince1970)
        guard nowSeconds <= payload.expiresAt else {
            throw .payloadExpired(expiresAt: payload.expiresAt, now: nowSeconds)
        }
        let body = try Self.encode(try paymentRequest(for: payload, paying: instrument))
        var attempt = 0
        var lastLook = false
        while true {
            attempt += 1
            progress(lastLook ? .lastLookAfterExpiry(attempt: attempt) : .sending(attempt: attempt))
            let response = try await send(paymentURLPath(orderID: payload.orderID), body: body)
            guard response.status == 202 else {
                let signed = try Self.signedResult(
                    from: response, method: configuration.authentication.methodName)
                _ = try verify(signed, for: payload)
                return PaymentOutcome(signedResult: signed, attempts: attempt)
            }
            if lastLook { throw .expiredWhileWaiting(expiresAt: payload.expiresAt, attempts: attempt) }
            if Int64(now().timeIntervalSince1970) >= payload.expiresAt { lastLook = true }
            let delay = configuration.retry.delay(afterAttempt: attempt)
            progress(.waitingForStore(attempt: attempt, retryIn: delay))
            do { try await sleep(delay) } catch { throw .cancelled }
        }
    }

    /// Checks a signed result for `payload`: the server's signature, merchant and order, and for
    /// an approval also total and currency (declines from a mismatch carry total 0, so other
    /// results' totals are not compared).
    /// - Throws: ``PhoneAgentError/resultNotTrusted(_:)``,
    ///   ``PhoneAgentError/resultForAnotherOrder(expected:got:)`` or
    ///   ``PhoneAgentError/resultAmountDiffers(expected:got:)``: do not trust the result.
    public func verify(
        _ signed: SignedSettlementResult, for payload: PaymentPayload
    ) throws(PhoneAgentError) -> SettlementResult {
        let result: SettlementResult
        do { result = try configuration.verifier.verify(signed) } catch { throw .resultNotTrusted(error) }
        guard result.merchantID == payload.merchantID, result.orderID == payload.orderID else {
            throw .resultForAnotherOrder(
                expected: "order \(payload.orderID) at \(payload.merchantID)",
                got: "order \(result.orderID) at \(result.merchantID)")
        }
        if result.status == .approved, result.total != payload.total {
            throw .resultAmountDiffers(expected: payload.total, got: result.total)
        }
        return result
    }

    /// Posts the result's relay text to the payment code's relay URL (body = the text,
    /// `Content-Type: text/plain`), so the store learns the result even if it cannot reach the
    /// server. Returns the URL.
    /// - Throws: ``PhoneAgentError/noRelayURL`` or ``PhoneAgentError/relayFailed(url:detail:)``.
    @discardableResult
    public func relay(
        _ outcome: PaymentOutcome, for payload: PaymentPayload
    ) async throws(PhoneAgentError) -> String {
        guard let url = payload.relayURL else { throw .noRelayURL }
        let text = try outcome.relayText()
        let request = PhoneHTTPRequest(
            method: "POST", url: url, headers: [.init("Content-Type", "text/plain")],
            body: Array(text.utf8))
        let response: PhoneHTTPResponse
        do { response = try await transport.send(request) } catch {
            throw .relayFailed(url: url, detail: String(describing: error))
        }
        guard (200..<300).contains(response.status) else {
            let message = Self.errorEnvelope(response)?.message ?? String(response.text.prefix(200))
            throw .relayFailed(url: url, detail: "HTTP \(response.status) \(message)")
        }
        return url
    }

    /// 32 lowercase hex digits of 16 random bytes.
    public static func randomNonce() -> String {
        var generator = SystemRandomNumberGenerator()
        return Hex.encode((0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }
}
