import Hummingbird
import HummingbirdTesting
import Testing

@testable import SettlementHTTP

/// The 405 table and the router must list the same paths and methods: every method the table
/// allows reaches a route (whatever it then answers), and every other one is 405 with `Allow`.
@Suite("Route table and router agree")
struct RouteTableTests {
    static let methods: [HTTPRequest.Method] = [.get, .post, .put, .delete, .patch, .head, .options, .trace]

    @Test func everyTableMethodIsRoutedAndEveryOtherIs405() async throws {
        let routes = SettlementRoutes(api: FakeAPI(), credentials: FakeCredentials())
        let app = Application(router: routes.router())
        try await app.test(.router) { client in
            for route in RouteTable.routes {
                let path = "/" + route.segments.map { $0 == "*" ? "PP-1" : $0 }.joined(separator: "/")
                for method in Self.methods {
                    try await client.execute(uri: path, method: method) { response in
                        if route.methods.contains(method) {
                            #expect(
                                response.status != .notFound && response.status != .methodNotAllowed,
                                "\(method) \(path) is in the table but not routed")
                        } else {
                            #expect(response.status == .methodNotAllowed, "\(method) \(path)")
                            #expect(
                                response.headers[.allow]
                                    == route.methods.map(\.rawValue).joined(separator: ", "))
                        }
                    }
                }
            }
            try await client.execute(uri: "/v1/orders/PP-1/refund", method: .post) { response in
                #expect(response.status == .notFound)
            }
        }
    }
}
