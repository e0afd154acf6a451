import NIOHTTP1

/// One method and exact path of an ``HTTPListener``, and what answers it.
public struct HTTPRoute: Sendable {
    public let method: HTTPMethod
    public let path: String
    public let handler: @Sendable (HTTPListenerRequest) async -> HTTPListenerResponse

    public init(
        _ method: HTTPMethod, _ path: String,
        handler: @escaping @Sendable (HTTPListenerRequest) async -> HTTPListenerResponse
    ) {
        self.method = method
        self.path = path
        self.handler = handler
    }
}
