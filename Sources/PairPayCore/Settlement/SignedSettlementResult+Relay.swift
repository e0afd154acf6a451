#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension SignedSettlementResult {
    /// The prefix of the relay text form.
    public static let relayPrefix = "PAIRPAY-RESULT1:"
    /// The longest relay text the register's RELAY frame carries.
    public static let maximumRelayLength = 2048

    /// `PAIRPAY-RESULT1:<base64url of the signed result's JSON, no padding>`, for relay through the
    /// register. The JSON has sorted keys, so the same result always gives the same text.
    /// - Throws: ``ResultVerificationError/relayTooLong(_:)`` above 2048 characters.
    public func relayText() throws(ResultVerificationError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let json = try? encoder.encode(self) else {
            throw .malformed("the result could not be encoded")
        }
        let text = Self.relayPrefix + Base64URL.encode(Array(json))
        guard text.utf8.count <= Self.maximumRelayLength else { throw .relayTooLong(text.utf8.count) }
        return text
    }

    /// Parses the relay text form. This does not check the signature: use
    /// ``ResultVerifier/verifyRelay(_:)`` for that.
    /// - Throws: ``ResultVerificationError`` when it is not a relay text of a signed result.
    public init(relayText: String) throws(ResultVerificationError) {
        guard relayText.utf8.count <= Self.maximumRelayLength else {
            throw .relayTooLong(relayText.utf8.count)
        }
        guard relayText.hasPrefix(Self.relayPrefix) else {
            throw .malformed("relay text must start with \(Self.relayPrefix)")
        }
        let payload = String(relayText.dropFirst(Self.relayPrefix.count))
        guard let json = Base64URL.decode(payload) else {
            throw .malformed("relay text after the prefix must be base64url")
        }
        do {
            self = try JSONDecoder().decode(SignedSettlementResult.self, from: Data(json))
        } catch {
            throw .malformed("relay text does not hold a signed settlement result")
        }
    }
}

/// base64url (RFC 4648 §5) without padding; decoding accepts padding too.
public enum Base64URL {
    /// Encodes without `=` padding.
    public static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacing("+", with: "-")
            .replacing("/", with: "_")
            .replacing("=", with: "")
    }

    /// Decodes, with or without padding; `nil` for anything else.
    public static func decode(_ text: String) -> [UInt8]? {
        guard
            text.utf8.allSatisfy({ byte in
                (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
                    || byte == 0x2D || byte == 0x5F || byte == 0x3D
            })
        else { return nil }
        var standard = text.replacing("-", with: "+").replacing("_", with: "/")
        standard = standard.replacing("=", with: "")
        standard += String(repeating: "=", count: (4 - standard.utf8.count % 4) % 4)
        return Data(base64Encoded: standard).map { Array($0) }
    }
}
