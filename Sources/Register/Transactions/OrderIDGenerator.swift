/// Makes order ids: the terminal id, a dash, and 10 random Crockford base-32 characters
/// (50 bits), for example `PP-TERM-7-3KX9D0QH2M`. Unique per merchant without a shared counter.
public struct OrderIDGenerator: Sendable {
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    public let terminalID: String

    public init(terminalID: String) {
        self.terminalID = terminalID
    }

    /// A new order id drawn from `generator`.
    public func next(using generator: inout some RandomNumberGenerator) -> String {
        let suffix = (0..<10).map { _ in Self.alphabet[Int.random(in: 0..<32, using: &generator)] }
        return terminalID + "-" + String(suffix)
    }

    /// A new order id from the system's random source.
    public func next() -> String {
        var generator = SystemRandomNumberGenerator()
        return next(using: &generator)
    }
}
