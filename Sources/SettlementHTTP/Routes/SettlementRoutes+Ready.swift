import Foundation
import Hummingbird

extension SettlementRoutes {
    /// How long one readiness check may take before it counts as failed.
    public static let readinessTimeout: Duration = .seconds(2)

    /// `GET /ready`: 200 `{"status":"ready","checks":{…:"ok"}}` when every check passes, else 503
    /// `{"status":"not-ready","checks":{…:"ok"|"failing"}}`. The checks run at once, each bounded
    /// by ``readinessTimeout``.
    func ready() async -> Response {
        let results = await withTaskGroup(of: (String, Bool).self) { group in
            for check in readiness {
                group.addTask {
                    let passed = await withTaskGroup(of: Bool.self) { race in
                        race.addTask { await check.isReady() }
                        race.addTask {
                            try? await Task.sleep(for: Self.readinessTimeout)
                            return false
                        }
                        let first = await race.next() ?? false
                        race.cancelAll()
                        return first
                    }
                    return (check.name, passed)
                }
            }
            return await group.reduce(into: [String: Bool]()) { $0[$1.0] = $1.1 }
        }
        let ready = results.values.allSatisfy { $0 }
        let body = ReadinessBody(
            status: ready ? "ready" : "not-ready", checks: results.mapValues { $0 ? "ok" : "failing" })
        do {
            return try JSONBody.response(body, status: ready ? .ok : .serviceUnavailable)
        } catch {
            return Response(status: .serviceUnavailable)
        }
    }
}

/// The `/ready` answer.
struct ReadinessBody: Encodable {
    let status: String
    let checks: [String: String]
}
