/// Why a payment payload (the QR code's text) was refused.
public enum PaymentPayloadError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text is not a PairPay payment payload at all.
    case notAPaymentPayload(String)
    /// The payload is of a format version this software does not read.
    case unsupportedVersion(Int)
    /// A field is missing or wrong: its JSON name and what it must be.
    case invalidField(String, String)
    /// The order in the payload is not valid.
    case invalidContents(OrderValidationError)
    /// The text is longer than the 1024 characters a PHONE PAYLOAD holds.
    case tooLong(Int)

    public var description: String {
        switch self {
        case .notAPaymentPayload(let detail):
            return "not a PairPay payment code: \(detail); scan the code the register shows"
        case .unsupportedVersion(let version):
            return "payment code version \(version) is not supported by this app; update it"
        case .invalidField(let field, let rule):
            return "payment code field \(field) \(rule)"
        case .invalidContents(let error):
            return "payment code order is not valid: \(error.description)"
        case .tooLong(let length):
            return "payment code is \(length) characters; at most 1024 fit the register's PHONE PAYLOAD"
        }
    }
}
