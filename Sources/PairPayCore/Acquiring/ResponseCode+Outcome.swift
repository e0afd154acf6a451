/// The mapping from ISO 8583 response codes (field 39) to what PairPay tells the store.
public enum IssuerResponseCode {
    /// The decline reason for a response code, or `nil` when the code is an approval (`00`)
    /// or means the issuer could not decide (`91`, `96`, see ``meansIssuerUnavailable(_:)``).
    public static func declineReason(for code: String) -> DeclineReason? {
        switch code {
        case "00", "91", "96": return nil
        case "51": return .insufficientFunds
        case "54": return .expiredCard
        case "14": return .invalidCard
        case "N7", "82": return .incorrectCVC
        case "05": return .doNotHonour
        case "61": return .limitExceeded
        default: return .other(responseCode: code)
        }
    }

    /// Whether the code says the issuer could not process the request (nothing was held).
    public static func meansIssuerUnavailable(_ code: String) -> Bool {
        code == "91" || code == "96"
    }
}
