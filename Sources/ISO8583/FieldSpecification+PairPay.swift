extension FieldSpecification {
    /// PairPay's ISO 8583:1987 profile: ASCII MTI, binary bitmaps, ASCII lengths and data.
    ///
    /// Kept in step with `docs/ISO8583.md` and with `Tests/ISO8583Tests/Vectors/generate_vectors.py`.
    public static let pairPay = FieldSpecification(formats: [
        .primaryAccountNumber: FieldFormat("primary account number", .numeric, .llvar(max: 19)),
        .processingCode: FieldFormat("processing code", .numeric, .fixed(6)),
        .amount: FieldFormat("amount, transaction", .numeric, .fixed(12)),
        .transmissionDateTime: FieldFormat("transmission date and time", .numeric, .fixed(10)),
        .systemTraceAuditNumber: FieldFormat("system trace audit number", .numeric, .fixed(6)),
        .localTime: FieldFormat("time, local transaction", .numeric, .fixed(6)),
        .localDate: FieldFormat("date, local transaction", .numeric, .fixed(4)),
        .expirationDate: FieldFormat("date, expiration", .numeric, .fixed(4)),
        .posEntryMode: FieldFormat("point of service entry mode", .numeric, .fixed(3)),
        .acquiringInstitution: FieldFormat("acquiring institution id", .numeric, .llvar(max: 11)),
        .retrievalReferenceNumber: FieldFormat("retrieval reference number", .alphanumeric, .fixed(12)),
        .approvalCode: FieldFormat("approval code", .alphanumeric, .fixed(6)),
        .responseCode: FieldFormat("response code", .alphanumeric, .fixed(2)),
        .terminalID: FieldFormat("card acceptor terminal id", .alphanumericSpecial, .fixed(8)),
        .merchantID: FieldFormat("card acceptor id code", .alphanumericSpecial, .fixed(15)),
        .additionalDataPrivate: FieldFormat(
            "additional data, private (card security code)", .alphanumericSpecial, .lllvar(max: 999)),
        .currencyCode: FieldFormat("currency code, transaction", .numeric, .fixed(3)),
        .networkManagementCode: FieldFormat("network management information code", .numeric, .fixed(3)),
        .creditsNumber: FieldFormat("credits, number", .numeric, .fixed(10)),
        .debitsNumber: FieldFormat("debits, number", .numeric, .fixed(10)),
        .creditsAmount: FieldFormat("credits, amount", .numeric, .fixed(16)),
        .debitsAmount: FieldFormat("debits, amount", .numeric, .fixed(16)),
        .originalDataElements: FieldFormat("original data elements", .numeric, .fixed(42)),
    ])
}
