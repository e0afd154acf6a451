import Hummingbird

/// Counts every request by its route template (`/v1/orders/{orderId}`, never the concrete id)
/// and final status, and records how long it took in a histogram by route.
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: SettlementMetrics

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(context, status: response.status.code, since: start)
            return response
        } catch let error as any HTTPResponseError {
            record(context, status: error.status.code, since: start)
            throw error
        } catch {
            record(context, status: 500, since: start)
            throw error
        }
    }

    func record(_ context: Context, status: Int, since start: ContinuousClock.Instant) {
        let route = context.endpointPath ?? "unmatched"
        metrics.request(
            route: route.replacingOccurrences(of: ":", with: ""), status: status,
            duration: ContinuousClock.now - start)
    }
}
