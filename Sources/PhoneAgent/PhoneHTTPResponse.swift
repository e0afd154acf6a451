/// What a ``PhoneHTTPTransport`` got back: the status and the body.
public struct PhoneHTTPResponse: Hashable, Sendable {
    /// The HTTP status code.
    public let status: Int
    /// The raw body.
    public let body: [UInt8]

    /// Creates a response.
    public init(status: Int, body: [UInt8]) {
        self.status = status
        self.body = body
    }

    /// The body as UTF-8 text (invalid bytes replaced).
    public var text: String { String(decoding: body, as: UTF8.self) }
}
