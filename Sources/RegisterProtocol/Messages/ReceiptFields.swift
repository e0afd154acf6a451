/// The fields a receipt prints of an approved sale's authorization, in RESULT and STATUS
/// (`hw/PROTOCOL.md` §6.1): RRN, STAN, ACQUIRER TERMINAL, CARD BRAND and TRANSACTION TIME, all
/// present or all absent.
public struct ReceiptFields: Equatable, Hashable, Sendable {
    /// Retrieval reference number (ISO 8583 field 37).
    public var rrn: String
    /// System trace audit number (field 11).
    public var stan: String
    /// The acquirer's terminal id (field 41).
    public var acquirerTerminal: String
    /// `visa`, `mastercard`, `amex`, `jcb`, `discover`, `diners`, `unionpay` or `other`.
    public var cardBrand: String
    /// When the settlement server decided, unix seconds (UTC).
    public var transactionTime: UInt32

    public init(
        rrn: String, stan: String, acquirerTerminal: String, cardBrand: String, transactionTime: UInt32
    ) {
        self.rrn = rrn
        self.stan = stan
        self.acquirerTerminal = acquirerTerminal
        self.cardBrand = cardBrand
        self.transactionTime = transactionTime
    }

    /// The receipt fields of a message, nil when it has none.
    /// - Throws: ``MessageDecodingError`` when only some of them are present.
    init?(fields: FieldReader<Field>) throws(MessageDecodingError) {
        let tags: [Field] = [.rrn, .stan, .acquirerTerminal, .cardBrand, .transactionTime]
        let present = tags.filter { fields.contains($0) }
        guard !present.isEmpty else { return nil }
        guard present.count == tags.count else {
            let missing = tags.filter { !fields.contains($0) }.map(\.name).joined(separator: ", ")
            throw .invalidValue(field: missing, reason: "the receipt fields come all together")
        }
        rrn = try fields.string(.rrn)
        stan = try fields.string(.stan)
        acquirerTerminal = try fields.string(.acquirerTerminal)
        cardBrand = try fields.string(.cardBrand)
        transactionTime = try fields.u32(.transactionTime)
    }

    func encode(into fields: inout FieldWriter<Field>) {
        fields.string(.rrn, rrn)
        fields.string(.stan, stan)
        fields.string(.acquirerTerminal, acquirerTerminal)
        fields.string(.cardBrand, cardBrand)
        fields.u32(.transactionTime, transactionTime)
    }
}
