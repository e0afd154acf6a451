import Register
import RegisterProtocol

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension HTTPSettlementGateway {
    public func outcome(
        of order: StoreOrder, until deadline: ContinuousClock.Instant,
        stage: @escaping @Sendable (ProgressStage) -> Void
    ) async throws(SettlementGatewayError) -> SettlementOutcome {
        await mailbox.expect(order)
        let delivery = await withTaskGroup(
            of: ResultMailbox.Delivery?.self, returning: ResultMailbox.Delivery?.self
        ) { group in
            group.addTask { await self.mailbox.firstResult(of: order.orderID) }
            group.addTask {
                await self.ask(about: order, until: deadline, stage: stage)
                return nil
            }
            for await delivery in group {
                if let delivery {
                    group.cancelAll()
                    return delivery
                }
            }
            return nil
        }
        guard let delivery else {
            // Only when the waiting was cancelled (registerd stopping, or the sale ended otherwise).
            throw .unreachable("stopped waiting for the outcome of order \(order.orderID)")
        }
        return SettlementOutcome(delivery.result, source: delivery.source)
    }

    /// Queries the order until its result is filed: every poll interval (doubling up to the
    /// maximum) while `query` is enabled, and after the deadline (plus a grace) whatever the
    /// paths, until the server answers with a valid final result. Returns when it is filed or
    /// when cancelled.
    func ask(
        about order: StoreOrder, until deadline: ContinuousClock.Instant,
        stage: @escaping @Sendable (ProgressStage) -> Void
    ) async {
        var interval = configuration.pollInterval
        if configuration.resultPaths.contains(.query) {
            while ContinuousClock.now < deadline {
                let wait = min(interval, deadline - .now)
                guard (try? await Task.sleep(for: wait)) != nil else { return }
                if await poll(order, stage: stage) { return }
                interval = min(interval * 2, configuration.maximumPollInterval)
            }
        } else {
            guard (try? await Task.sleep(until: deadline, clock: .continuous)) != nil else { return }
        }
        guard (try? await Task.sleep(for: configuration.finalQueryGrace)) != nil else { return }
        logger.info("order \(order.orderID): payment time is up; asking settlementd for the outcome")
        interval = configuration.pollInterval
        while !Task.isCancelled {
            if await poll(order, stage: stage) { return }
            guard (try? await Task.sleep(for: interval)) != nil else { return }
            interval = min(interval * 2, configuration.maximumPollInterval)
        }
    }

    /// One `GET /v1/orders/{id}`; true when it filed the order's final result.
    func poll(_ order: StoreOrder, stage: @Sendable (ProgressStage) -> Void) async -> Bool {
        let reply: SettlementClient.Reply
        do {
            reply = try await client.send(.GET, "/v1/orders/\(order.orderID)")
        } catch {
            guard !Task.isCancelled else { return false }
            logger.warning("order \(order.orderID): \(error); the sale stays open, asking again")
            stage(.reconnecting)
            return false
        }
        guard reply.isSuccess else {
            let failure = reply.failure("the query of order \(order.orderID)")
            logger.error("order \(order.orderID): \(failure); the sale stays open, asking again")
            if reply.status >= 500 { stage(.reconnecting) }
            return false
        }
        let status: OrderStatusReply
        do { status = try reply.orderStatus() } catch {
            logger.error("order \(order.orderID): \(error)")
            return false
        }
        guard status.isFinal, let signed = status.result else {
            stage(status.isAuthorizing ? .authorizing : .waitingForPhone)
            return false
        }
        do {
            _ = try await mailbox.receive(signed, for: order, via: .query)
            return true
        } catch {
            logger.critical(
                "order \(order.orderID): settlementd's result does not verify (\(error)); check server-public-key and merchant-id; the sale stays open"
            )
            return false
        }
    }
}
