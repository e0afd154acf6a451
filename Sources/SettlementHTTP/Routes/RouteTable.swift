import HTTPTypes

/// The API's paths and the methods each serves (the same as ``SettlementRoutes/router()``
/// registers; a router test keeps the two in step), so that a known path asked with another
/// method is answered 405 with `Allow`, not 404.
public enum RouteTable {
    /// One path template, with `*` for an id segment.
    public struct Route: Sendable {
        public let segments: [String]
        public let methods: [HTTPRequest.Method]

        public init(segments: [String], methods: [HTTPRequest.Method]) {
            self.segments = segments
            self.methods = methods
        }
    }

    static let routes: [Route] = [
        Route(segments: ["health"], methods: [.get]),
        Route(segments: ["ready"], methods: [.get]),
        Route(segments: ["metrics"], methods: [.get]),
        Route(segments: ["openapi.yaml"], methods: [.get]),
        Route(segments: ["v1", "orders"], methods: [.post]),
        Route(segments: ["v1", "orders", "*"], methods: [.get]),
        Route(segments: ["v1", "orders", "*", "cancel"], methods: [.post]),
        Route(segments: ["v1", "orders", "*", "payment"], methods: [.post]),
    ]

    /// The methods `path` serves, or `nil` when no route (of the API's, or of `extra`) has it.
    static func allowedMethods(path: String, extra: [Route] = []) -> [HTTPRequest.Method]? {
        var segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard segments.first == "" else { return nil }
        segments.removeFirst()
        return (routes + extra).first { route in
            route.segments.count == segments.count
                && zip(route.segments, segments).allSatisfy { template, segment in
                    template == "*" ? !segment.isEmpty : template == segment
                }
        }?.methods
    }
}
