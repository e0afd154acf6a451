import Synchronization

/// The server's counters, rendered in the Prometheus text exposition format at `GET /metrics`.
/// Labels carry only route templates, status codes and method names: never ids or card data.
public final class SettlementMetrics: Sendable {
    struct State {
        var requests: [String: Int] = [:]  // "route|status"
        var authenticated: [String: Int] = [:]  // "role|method"
        var refused: [String: Int] = [:]  // "role"
        var pushAttempts: [String: Int] = [:]  // "outcome"
        var durationSum: Double = 0
        var durationCount: Int = 0
    }
    let state = Mutex(State())
    let gauges = Mutex<[Gauge]>([])

    /// A gauge read when `/metrics` is asked: its name, help text, label name, and a sampler that
    /// returns the value for each label value.
    struct Gauge: Sendable {
        let name: String
        let help: String
        let label: String
        let sample: @Sendable () async throws -> [String: Int]
    }

    public init() {}

    /// Adds a gauge sampled on every scrape, for example outstanding reversals by state. A sampler
    /// that fails leaves its gauge out of that scrape (the scrape itself still answers).
    public func addGauge(
        _ name: String, help: String, label: String,
        sample: @escaping @Sendable () async throws -> [String: Int]
    ) {
        gauges.withLock { $0.append(Gauge(name: name, help: help, label: label, sample: sample)) }
    }

    /// The counters and every gauge, in the Prometheus text format (version 0.0.4).
    public func renderWithGauges() async -> String {
        var out = render()
        for gauge in gauges.withLock({ $0 }) {
            guard let values = try? await gauge.sample() else { continue }
            out += "# HELP \(gauge.name) \(gauge.help)\n# TYPE \(gauge.name) gauge\n"
            for (key, value) in values.sorted(by: { $0.key < $1.key }) {
                out += "\(gauge.name){\(gauge.label)=\"\(Self.escape(key))\"} \(value)\n"
            }
        }
        return out
    }

    func request(route: String, status: Int, seconds: Double) {
        state.withLock {
            $0.requests["\(route)|\(status)", default: 0] += 1
            $0.durationSum += seconds
            $0.durationCount += 1
        }
    }

    func authenticated(role: APIRole, method: AuthenticationMethod) {
        state.withLock { $0.authenticated["\(role.rawValue)|\(method.rawValue)", default: 0] += 1 }
    }

    func refused(role: APIRole) {
        state.withLock { $0.refused[role.rawValue, default: 0] += 1 }
    }

    /// Counts one push delivery attempt (`delivered` or `failed`).
    public func pushAttempt(delivered: Bool) {
        state.withLock { $0.pushAttempts[delivered ? "delivered" : "failed", default: 0] += 1 }
    }

    /// The counters (without the gauges) in the Prometheus text format (version 0.0.4).
    public func render() -> String {
        let s = state.withLock { $0 }
        var out = ""
        out += "# HELP pairpay_http_requests_total HTTP requests by route template and status.\n"
        out += "# TYPE pairpay_http_requests_total counter\n"
        for (key, value) in s.requests.sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: "|", maxSplits: 1).map(String.init)
            out +=
                "pairpay_http_requests_total{route=\"\(Self.escape(parts[0]))\",status=\"\(parts[1])\"} \(value)\n"
        }
        out += "# HELP pairpay_http_request_duration_seconds Time spent answering requests.\n"
        out += "# TYPE pairpay_http_request_duration_seconds summary\n"
        out += "pairpay_http_request_duration_seconds_sum \(s.durationSum)\n"
        out += "pairpay_http_request_duration_seconds_count \(s.durationCount)\n"
        out += "# HELP pairpay_authentications_total Requests authenticated, by role and method.\n"
        out += "# TYPE pairpay_authentications_total counter\n"
        for (key, value) in s.authenticated.sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: "|").map(String.init)
            out += "pairpay_authentications_total{role=\"\(parts[0])\",method=\"\(parts[1])\"} \(value)\n"
        }
        out += "# HELP pairpay_authentication_refusals_total Requests refused by authentication, by role.\n"
        out += "# TYPE pairpay_authentication_refusals_total counter\n"
        for (key, value) in s.refused.sorted(by: { $0.key < $1.key }) {
            out += "pairpay_authentication_refusals_total{role=\"\(key)\"} \(value)\n"
        }
        out += "# HELP pairpay_push_attempts_total Result push deliveries attempted, by outcome.\n"
        out += "# TYPE pairpay_push_attempts_total counter\n"
        for outcome in ["delivered", "failed"] {
            out += "pairpay_push_attempts_total{outcome=\"\(outcome)\"} \(s.pushAttempts[outcome] ?? 0)\n"
        }
        return out
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
