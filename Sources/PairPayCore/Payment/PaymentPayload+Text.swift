#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension PaymentPayload {
    /// The text for the QR code: with the line items when they fit in 1024 characters, else
    /// without them.
    /// - Throws: ``PaymentPayloadError/tooLong(_:)`` when even the short form does not fit
    ///   (a very long URL).
    public func text() throws(PaymentPayloadError) -> String {
        let full = encoded()
        if full.utf8.count <= Self.maximumLength { return full }
        let short = withoutLineItems().encoded()
        guard short.utf8.count <= Self.maximumLength else { throw .tooLong(short.utf8.count) }
        return short
    }

    /// Reads the text of a QR code or NFC record: `PAIRPAY1:…` or a checkout URL
    /// (``init(checkoutURL:)``).
    /// - Throws: ``PaymentPayloadError`` saying what is wrong with it.
    public init(text: String) throws(PaymentPayloadError) {
        let trimmed = text.trimmingWhitespace()
        guard trimmed.utf8.count <= Self.maximumLength else { throw .tooLong(trimmed.utf8.count) }
        if trimmed.lowercased().hasPrefix("https://") {
            try self.init(checkoutURL: trimmed)
            return
        }
        guard trimmed.hasPrefix(Self.prefix) else {
            throw .notAPaymentPayload(
                "it must start with \(Self.prefix) or be a checkout link (https://…/p/…)")
        }
        guard let json = Base64URL.decode(String(trimmed.dropFirst(Self.prefix.count))) else {
            throw .notAPaymentPayload("the text after \(Self.prefix) must be base64url")
        }
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: Data(json))
        } catch let error as PaymentPayloadError {
            throw error
        } catch let error as OrderValidationError {
            throw .invalidContents(error)
        } catch DecodingError.keyNotFound(let key, _) {
            throw .invalidField(key.stringValue, "is required")
        } catch {
            throw .notAPaymentPayload("it does not hold the JSON object of docs/PAYMENT-PAYLOAD.md")
        }
        guard wire.v == 1 else { throw .unsupportedVersion(wire.v) }
        let currency: Currency
        do { currency = try Currency(code: wire.currency) } catch {
            throw .invalidContents(.unknownCurrency(wire.currency))
        }
        try self.init(
            serverURL: wire.server, merchantID: wire.merchantId, orderID: wire.orderId,
            total: Money(minorUnits: wire.total, currency: currency), contentsDigest: wire.contentsDigest,
            expiresAt: wire.expiresAt, relayURL: wire.relay, lineItems: wire.lineItems)
    }

    func encoded() -> String {
        let wire = Wire(
            v: 1, server: serverURL, merchantId: merchantID, orderId: orderID, currency: total.currency.code,
            total: total.minorUnits, contentsDigest: contentsDigest, expiresAt: expiresAt, relay: relayURL,
            lineItems: lineItems)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings, integers and checked line items cannot fail.
        let json = (try? encoder.encode(wire)) ?? Data()
        return Self.prefix + Base64URL.encode(Array(json))
    }

    /// The JSON object inside the text form.
    struct Wire: Codable {
        let v: Int
        let server: String
        let merchantId: String
        let orderId: String
        let currency: String
        let total: Int64
        let contentsDigest: String
        let expiresAt: Int64
        let relay: String?
        let lineItems: [OrderLineItem]?
    }
}
