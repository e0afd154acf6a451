import PairPayCore
import RegisterProtocol

extension RegisterService {
    /// Writes the journal (on this actor's own queue: synchronous SQLite never runs on the
    /// cooperative pool). Without a journal every write succeeds and stores nothing.
    func carryOut(_ write: JournalWrite) -> Result<Int64?, RegisterJournalError> {
        journal?.carryOut(write) ?? .success(nil)
    }

    /// Makes one call to the settlement server, passing its stages on in the order it reported
    /// them, each one before its answer (so a stage never overtakes another, nor the RESULT): the
    /// call's callback is synchronous and queues the stage on a stream that one task drains onto
    /// this actor; that task is awaited before the answer is fed.
    nonisolated func carryOut(_ request: GatewayRequest, as call: GatewayCall) async {
        let (stages, continuation) = AsyncStream.makeStream(of: ProgressStage.self)
        let forwarding = Task {
            for await stage in stages { await self.stage(stage, of: call) }
        }
        let report: @Sendable (ProgressStage) -> Void = { continuation.yield($0) }
        let answer: Result<GatewayReply, SettlementGatewayError>
        do throws(SettlementGatewayError) {
            answer = .success(try await send(request, reporting: report))
        } catch {
            answer = .failure(error)
        }
        continuation.finish()
        await forwarding.value
        // A cancelled call (registerd stopping, or a transaction that ended otherwise) is not answered.
        guard !Task.isCancelled else { return }
        await self.answer(answer, of: call)
    }

    nonisolated func send(
        _ request: GatewayRequest, reporting stage: @escaping @Sendable (ProgressStage) -> Void
    ) async throws(SettlementGatewayError) -> GatewayReply {
        switch request {
        case .register(let order):
            .invitation(try await gateway.register(order))
        case .outcome(let order, let deadline):
            .outcome(try await gateway.outcome(of: order, until: deadline, stage: stage))
        case .cancel(let order):
            .cancel(try await gateway.cancel(order))
        case .verifyRelay(let relayData, let order):
            .outcome(try await gateway.verifyRelayedResult(relayData, for: order))
        case .void(let order):
            .outcome(try await gateway.void(order))
        case .refund(let order, let refundID, let amount, let deadline):
            .outcome(
                try await gateway.refund(
                    order, refundID: refundID, amount: amount, until: deadline, stage: stage))
        case .closeBatch(let laneID, let batchID, let existing):
            .batch(try await gateway.closeBatch(laneID: laneID, batchID: batchID, existing: existing))
        }
    }
}
