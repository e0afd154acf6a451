import Foundation

/// Token buckets per client address, the time passed in: each client may do `burst` attempts at
/// once and `perMinute` a minute after that. A pure value; ``CheckoutLimits`` keeps it behind a
/// lock.
struct RateLimiter: Sendable {
    struct Bucket: Sendable {
        var tokens: Double
        var updated: TimeInterval
    }

    let burst: Double
    let perSecond: Double
    private(set) var buckets: [String: Bucket] = [:]

    init(burst: Int, perMinute: Int) {
        self.burst = Double(burst)
        self.perSecond = Double(perMinute) / 60
    }

    /// Takes one attempt for `client` at `now`: `nil` when allowed, else the seconds to wait.
    mutating func take(_ client: String, at now: TimeInterval) -> Int? {
        var bucket = buckets[client] ?? Bucket(tokens: burst, updated: now)
        bucket.tokens = min(burst, bucket.tokens + max(0, now - bucket.updated) * perSecond)
        bucket.updated = now
        defer { buckets[client] = bucket }
        guard bucket.tokens >= 1 else {
            return max(1, Int(((1 - bucket.tokens) / perSecond).rounded(.up)))
        }
        bucket.tokens -= 1
        return nil
    }

    /// Forgets clients whose buckets are full again (nothing to remember).
    mutating func prune(at now: TimeInterval) {
        buckets = buckets.filter { _, bucket in
            bucket.tokens + (now - bucket.updated) * perSecond < burst
        }
    }
}
