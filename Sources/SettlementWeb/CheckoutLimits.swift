import Foundation
import Synchronization

/// The checkout pages' rate limits per client address: sign-ins and payments, each a
/// ``RateLimiter``.
final class CheckoutLimits: Sendable {
    /// What is being limited.
    enum Action { case signIn, pay }

    let signIn: Mutex<RateLimiter>
    let pay: Mutex<RateLimiter>

    /// - Parameters: each a burst and a rate per minute.
    init(signIn: (burst: Int, perMinute: Int), pay: (burst: Int, perMinute: Int)) {
        self.signIn = Mutex(RateLimiter(burst: signIn.burst, perMinute: signIn.perMinute))
        self.pay = Mutex(RateLimiter(burst: pay.burst, perMinute: pay.perMinute))
    }

    /// nil when allowed, else the seconds to wait.
    func take(_ action: Action, client: String, at now: Date) -> Int? {
        let time = now.timeIntervalSince1970
        func take(_ limiter: inout RateLimiter) -> Int? {
            if limiter.buckets.count > 10_000 { limiter.prune(at: time) }
            return limiter.take(client, at: time)
        }
        switch action {
        case .signIn: return signIn.withLock { take(&$0) }
        case .pay: return pay.withLock { take(&$0) }
        }
    }
}
