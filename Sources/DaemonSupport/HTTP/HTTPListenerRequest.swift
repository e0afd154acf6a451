import NIOHTTP1

/// A whole request to an ``HTTPListener``: its head and its body, read up to the listener's limit.
public struct HTTPListenerRequest: Sendable {
    public let method: HTTPMethod
    /// The path without the query.
    public let path: String
    public let headers: HTTPHeaders
    /// Empty when ``isBodyTooLarge``.
    public let body: [UInt8]
    /// The body was longer than the listener reads: the route answers (413, in its own words)
    /// and the connection is closed without reading the rest.
    public let isBodyTooLarge: Bool

    public init(
        method: HTTPMethod, path: String, headers: HTTPHeaders, body: [UInt8], isBodyTooLarge: Bool = false
    ) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.isBodyTooLarge = isBodyTooLarge
    }

    /// The media type of the body (`Content-Type` without parameters), lower-cased; nil without one.
    public var mediaType: String? {
        guard let value = headers.first(name: "Content-Type") else { return nil }
        return value.split(separator: ";", maxSplits: 1).first.map { String($0).lowercased() }?
            .filter { $0 != " " && $0 != "\t" }
    }
}
