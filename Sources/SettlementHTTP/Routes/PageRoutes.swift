import Hummingbird

/// Routes served beside the API on the same TLS listener (settlementd's payment pages,
/// `SettlementWeb`): they answer with their own pages, and 405 knows their methods.
public protocol PageRoutes: Sendable {
    /// The paths and methods the routes serve.
    var routeTable: [RouteTable.Route] { get }
    /// Registers the routes.
    func add(to router: Router<SettlementRequestContext>)
}
