/// The ISO 8583 response codes (field 39) this issuer sends. See docs/ISO8583.md for when.
public enum ResponseCodes {
    public static let approved = "00"
    public static let doNotHonour = "05"
    /// A capture or refund of an authorization that was reversed, or a refund before capture.
    public static let invalidTransaction = "12"
    /// A capture or refund amount that is not positive, above what is left, or in another currency.
    public static let invalidAmount = "13"
    public static let invalidCardNumber = "14"
    public static let unableToLocateOriginal = "25"
    public static let formatError = "30"
    public static let insufficientFunds = "51"
    public static let expiredCard = "54"
    /// CVC2 mismatch, as card networks send it (55 is "incorrect PIN" in ISO 8583:1987).
    public static let incorrectCVC = "N7"
    public static let exceedsWithdrawalLimit = "61"
    public static let issuerUnavailable = "91"
    public static let duplicateTransmission = "94"
    /// Reconcile error: the acquirer's totals (0500) differ from the host's.
    public static let reconcileError = "95"
    public static let systemMalfunction = "96"
}
