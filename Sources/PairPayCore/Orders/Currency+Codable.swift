/// A currency is written in JSON as its ISO 4217 alphabetic code: `"JPY"`.
extension Currency: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let code = try container.decode(String.self)
        do { try self.init(code: code) } catch { throw OrderValidationError.unknownCurrency(code) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(code)
    }
}
