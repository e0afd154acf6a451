import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTLS
import Logging
import PairPayCore
import SettlementHTTP
import Synchronization
import Testing

/// An outbox in memory with one delivery.
final class MemoryOutbox: PushDeliveryQueue {
    let delivery: Mutex<PendingPush?>
    let nextAttempt = Mutex(Date.distantPast)
    let attempts = Mutex<[PushAttempt]>([])
    /// How often the sender looked.
    let polls = Mutex(0)

    init(_ delivery: PendingPush) { self.delivery = Mutex(delivery) }

    func dueDeliveries(now: Date, limit: Int) async throws -> [PendingPush] {
        // Counted once the look is decided: a test that sees the count knows what that look found.
        defer { polls.withLock { $0 += 1 } }
        guard nextAttempt.withLock({ $0 }) <= now, let pending = delivery.withLock({ $0 }) else { return [] }
        return [pending]
    }

    func recordAttempt(_ attempt: PushAttempt) async throws {
        attempts.withLock { $0.append(attempt) }
        if attempt.delivered {
            delivery.withLock { $0 = nil }
        } else {
            delivery.withLock { $0?.attempts += 1 }
            nextAttempt.withLock { $0 = attempt.nextAttemptAt ?? .distantFuture }
        }
    }
}

/// What the receiver saw.
final class Received: Sendable {
    let requests = Mutex<[(signature: String, body: [UInt8])]>([])
}

@Suite("Push delivery to an HTTPS receiver")
struct PushDeliveryTests {
    /// An HTTPS receiver on a free loopback port, with the port it got once it runs.
    static func receiver(
        _ router: Router<BasicRequestContext>, pki: TestPKI
    ) throws -> (some ApplicationProtocol, PortBox) {
        let port = PortBox()
        let receiver = Application(
            router: router, server: try .tls(tlsConfiguration: try pki.serverTLS.configuration()),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { port.set($0.localAddress?.port ?? 0) })
        return (receiver, port)
    }

    @Test func signedPushIsRetriedAfterA500UntilDelivered() async throws {
        let pki = try TestPKI()
        let secret = [UInt8](repeating: 0x5a, count: 32)
        let body = Array(
            #"{"keyId":"k","result":{"orderId":"o-1","status":"approved"},"signature":"c2ln"}"#.utf8)
        let received = Received()
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 16)
            let count = received.requests.withLock {
                $0.append(
                    (
                        request.headers[HTTPField.Name("PairPay-Signature")!] ?? "",
                        Array(bytes.readableBytesView)
                    ))
                return $0.count
            }
            return Response(status: count == 1 ? .internalServerError : .noContent)
        }
        let (receiver, port) = try Self.receiver(router, pki: pki)
        try await withRunningServices([receiver]) {
            let url = "https://localhost:\(try await port.wait())/hook"
            let outbox = MemoryOutbox(PendingPush(id: 1, url: url, secret: secret, body: body, attempts: 0))
            let metrics = SettlementMetrics()
            let sender = PushSender(
                outbox: outbox,
                configuration: .init(
                    pollInterval: .milliseconds(50), retryBase: .milliseconds(300),
                    trustedCAPath: pki.directory.caCertificatePath),
                metrics: metrics, logger: Logger(label: "push-test"))
            try await withRunningServices([sender]) {
                for _ in 0..<200 where outbox.delivery.withLock({ $0 }) != nil {
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            let attempts = outbox.attempts.withLock { $0 }
            #expect(attempts.map(\.delivered) == [false, true])
            #expect(attempts.first?.statusCode == 500)
            #expect(attempts.last?.statusCode == 204)
            if attempts.count == 2 {
                #expect(attempts[1].attemptedAt.timeIntervalSince(attempts[0].attemptedAt) >= 0.25)
            }
            for request in received.requests.withLock({ $0 }) {
                #expect(request.body == body)
                #expect(PushSignature.verify(header: request.signature, secret: secret, body: body) != nil)
            }
            #expect(metrics.render().contains(#"pairpay_push_attempts_total{outcome="delivered"} 1"#))
            #expect(metrics.render().contains(#"pairpay_push_attempts_total{outcome="failed"} 1"#))
        }
    }
    /// A result queued while the sender waits is delivered when the doorbell rings, not at the next
    /// poll: here the poll is an hour away.
    @Test(.timeLimit(.minutes(1))) func aRingDeliversAtOnceWithoutWaitingForThePoll() async throws {
        let pki = try TestPKI()
        let received = Received()
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 16)
            received.requests.withLock { $0.append(("", Array(bytes.readableBytesView))) }
            return Response(status: .noContent)
        }
        let (receiver, port) = try Self.receiver(router, pki: pki)
        try await withRunningServices([receiver]) {
            let url = "https://localhost:\(try await port.wait())/hook"
            let outbox = MemoryOutbox(
                PendingPush(id: 1, url: url, secret: [1, 2, 3], body: Array("{}".utf8), attempts: 0))
            outbox.nextAttempt.withLock { $0 = .distantFuture }  // queued, not yet due
            let sender = PushSender(
                outbox: outbox,
                configuration: .init(
                    pollInterval: .seconds(3_600), trustedCAPath: pki.directory.caCertificatePath),
                metrics: SettlementMetrics(), logger: Logger(label: "push-test"))
            try await withRunningServices([sender]) {
                // The sender's first look, at start, finds nothing due; then it waits an hour.
                while outbox.polls.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(5)) }
                outbox.nextAttempt.withLock { $0 = .distantPast }
                sender.doorbell.ring()
                while outbox.delivery.withLock({ $0 }) != nil { try await Task.sleep(for: .milliseconds(5)) }
            }
            #expect(received.requests.withLock { $0.count } == 1)
            #expect(outbox.polls.withLock { $0 } == 2)
        }
    }
}
