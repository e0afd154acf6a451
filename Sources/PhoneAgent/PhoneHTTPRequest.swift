/// One HTTP request of the phone agent.
///
/// The body of a payment request holds the card number, so neither ``description`` nor a mirror
/// (`dump`, debuggers) shows it: only its size.
public struct PhoneHTTPRequest: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// `GET`, `POST`, …
    public let method: String
    /// The absolute URL, path already percent-encoded.
    public let url: String
    /// Header names and values, in the order they are sent.
    public let headers: [Header]
    /// The raw body (empty for none).
    public let body: [UInt8]

    /// One header line.
    public struct Header: Hashable, Sendable {
        /// The field name, as sent.
        public let name: String
        /// The field value.
        public let value: String

        /// Creates a header line.
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// Creates a request.
    public init(method: String, url: String, headers: [Header], body: [UInt8]) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// The first value of the header `name` (compared without regard to case).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// `POST https://… (312 bytes)`: never the body, never the header values.
    public var description: String { "\(method) \(url) (\(body.count) bytes)" }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: ["method": method, "url": url, "bodySize": body.count])
    }
}
