import Foundation
import InStoreCluster
import PairPayCore
import RegisterProtocol
import Testing

/// Issue 5: what must not go wrong in the store — tampering, forged results, expiry, aborts and
/// a crash of registerd — with every component a real process.
@Suite("In store: tampering, forgery, expiry, abort and crash", .serialized)
struct InStoreFaultTests {
    @Test("an amount tampered with on the phone's side is declined without a bank call")
    func tamperedByPhone() async throws {
        try await InStore.with(paths: ["query"]) { cluster, register in
            let request = try await register.ringUp(SimulatedRegister.figure5Sale(receipt: "R-1"))
            let (status, output) = try await cluster.pay(
                as: "alice", payload: try InStoreCluster.tampered(request.phonePayload, total: 115))
            #expect(status == 2, "\(output)")
            let result = try await register.waitForResult(within: .seconds(30))
            #expect(result.status == .declined)
            #expect(result.reason == "mismatch")
            #expect(try await cluster.bankAuthorizationCount() == 0)
            #expect(try await cluster.bankHolds().isEmpty)
        }
    }

    @Test("a store whose order differs from what the phone was shown is declined without a bank call")
    func tamperedByStore() async throws {
        try await InStore.with(paths: ["query"]) { cluster, register in
            let request = try await register.ringUp(SimulatedRegister.figure5Sale(receipt: "R-1"))
            // The phone was shown cheaper peanut butter than the store registered: a consistent
            // basket with its own digest, so only the server's comparison can catch it.
            let original = try PaymentPayload(text: request.phonePayload)
            let shown = try OrderContents(
                merchantID: original.merchantID, orderID: original.orderID, currency: .jpy,
                lineItems: [
                    try OrderLineItem(
                        code: "4901234567894", name: "Peanut butter", unitPrice: 400, quantity: 1, tax: 20),
                    try OrderLineItem(
                        code: "4909876543210", name: "Grape jelly", unitPrice: 600, quantity: 1, tax: 30),
                ])
            let payload = try PaymentPayload(
                contents: shown, serverURL: original.serverURL, expiresAt: original.expiresAt,
                relayURL: original.relayURL
            ).text()
            let (status, output) = try await cluster.pay(as: "alice", payload: payload)
            #expect(status == 2, "\(output)")
            let result = try await register.waitForResult(within: .seconds(30))
            #expect(result.status == .declined && result.reason == "mismatch")
            #expect(try await cluster.bankAuthorizationCount() == 0)
        }
    }

    @Test(
        "forged, altered and replayed results relayed by a malicious phone are refused; the real one is taken"
    )
    func forgedRelayRefused() async throws {
        try await InStore.with(paths: ["relay"]) { cluster, register in
            // A genuine approved result of a first sale, which the phone will try to replay.
            let first = try await register.ringUp(SimulatedRegister.figure5Sale(receipt: "R-1"))
            let firstRelay = cluster.directory + "/first.txt"
            #expect(
                try await cluster.pay(
                    as: "alice", payload: first.phonePayload, extraArguments: ["--relay-out", firstRelay]
                )
                .status == 0)
            let genuine = try String(contentsOfFile: firstRelay, encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            try await register.relay(receipt: "R-1", text: genuine)
            #expect(try await register.waitForResult(within: .seconds(30)).status == .approved)

            let second = try await register.ringUp(SimulatedRegister.figure5Sale(receipt: "R-2"))
            // Replayed: a valid result, but of the other order.
            try await register.relay(receipt: "R-2", text: genuine)
            try await expectRelayRejected(register)
            // Altered: the first result with the second order's id; the signature no longer fits.
            let signed = try SignedSettlementResult(relayText: genuine)
            let r = signed.result
            let altered = SignedSettlementResult(
                result: try SettlementResult(
                    resultID: r.resultID, merchantID: r.merchantID, orderID: second.orderID, status: r.status,
                    reason: r.reason, total: r.total, approvalCode: r.approvalCode, cardLast4: r.cardLast4,
                    decidedAt: r.decidedAt), keyID: signed.keyID, signature: signed.signature)
            try await register.relay(receipt: "R-2", text: try altered.relayText())
            try await expectRelayRejected(register)
            // Forged: signed, but with the phone's own key.
            let forged = try ResultSigner(privateKey: .init(), keyID: signed.keyID).sign(altered.result)
            try await register.relay(receipt: "R-2", text: try forged.relayText())
            try await expectRelayRejected(register)
            // Not a result at all.
            try await register.relay(receipt: "R-2", text: "PAIRPAY-RESULT1:approved")
            try await expectRelayRejected(register)
            #expect(InStore.results(register, receipt: "R-2").isEmpty)

            // The real payment still goes through, and only it is charged.
            let secondRelay = cluster.directory + "/second.txt"
            #expect(
                try await cluster.pay(
                    as: "bob", payload: second.phonePayload, extraArguments: ["--relay-out", secondRelay]
                )
                .status == 0)
            let real = try String(contentsOfFile: secondRelay, encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            try await register.relay(receipt: "R-2", text: real)
            let result = try await register.waitForResult(within: .seconds(30))
            #expect(result.status == .approved && result.orderID == second.orderID)
            #expect(try await cluster.bankHolds().map(\.amount) == [1155, 1155])
        }
    }

    func expectRelayRejected(_ register: SimulatedRegister) async throws {
        let reply = try await register.line.nextReply(within: .seconds(10))
        guard case .error(let error) = reply else {
            Issue.record("expected ERROR relay-rejected, got \(SimulatedRegister.describe(reply))")
            return
        }
        #expect(error.code == .relayRejected)
    }

    @Test("an order nobody pays expires, and the register is told so")
    func expiry() async throws {
        try await InStore.with(paths: ["relay"], orderTTLSeconds: 10) { cluster, register in
            _ = try await register.ringUp(SimulatedRegister.figure5Sale(receipt: "R-1"))
            let result = try await register.waitForResult(within: .seconds(60))
            #expect(result.status == .expired)
            #expect(try await cluster.bankAuthorizationCount() == 0)
        }
    }

    @Test("abort before the phone pays: cancelled at the server, no bank call")
    func abortBeforePayment() async throws {
        try await InStore.with(paths: ["query"]) { cluster, register in
            let request = try await register.ringUp(SimulatedRegister.figure5Sale(receipt: "R-1"))
            try await register.abort(receipt: "R-1")
            let result = try await register.waitForResult(within: .seconds(30))
            #expect(result.status == .cancelled)
            // The phone comes too late: the server refuses to charge a cancelled order.
            let (status, _) = try await cluster.pay(as: "alice", payload: request.phonePayload)
            #expect(status != 0)
            #expect(try await cluster.bankAuthorizationCount() == 0)
        }
    }

    @Test(
        "abort after the bank approved (the store had not heard yet): the server reverses, the hold is released"
    )
    func abortAfterApproval() async throws {
        // Relay only, and the phone does not relay: registerd cannot know the sale was approved.
        try await InStore.with(paths: ["relay"]) { cluster, register in
            let request = try await register.ringUp(SimulatedRegister.figure5Sale(receipt: "R-1"))
            #expect(try await cluster.pay(as: "alice", payload: request.phonePayload).status == 0)
            #expect(try await cluster.bankHolds().map(\.amount) == [1155])
            try await register.abort(receipt: "R-1")
            let result = try await register.waitForResult(within: .seconds(30))
            #expect(result.status == .cancelled)
            #expect(try await cluster.bankHolds().isEmpty)
        }
    }

    @Test(
        "kill -9 of registerd with the relay path: the resumed sale's PAYMENT REQUEST names the new relay endpoint, and the phone's result relayed there ends the sale"
    )
    func crashAndResumeWithTheRelayPath() async throws {
        try await InStore.with(paths: ["relay"], extra: ["payload-format": "pairpay1"]) { cluster, register in
            let first = try await register.ringUp(SimulatedRegister.figure5Sale(receipt: "R-1"))
            cluster.crashRegisterd()
            try await cluster.startRegisterd(configuration: cluster.directory + "/registerd.conf")
            let relay = try #require(cluster.relayEndpoint, "registerd printed no relay endpoint")
            // The restarted registerd binds a new port (relay-listen 127.0.0.1:0); the sale it
            // resumes is offered to the phone again with that address, not without one.
            let again = try await register.waitForPaymentRequest()
            #expect(again.orderID == first.orderID)
            let payload = try PaymentPayload(text: again.phonePayload)
            #expect(
                payload.relayURL?.hasPrefix(relay) == true,
                "relay URL \(payload.relayURL ?? "none"), endpoint \(relay)")
            let (status, output) = try await cluster.pay(
                as: "bob", payload: again.phonePayload, extraArguments: ["--relay"])
            #expect(status == 0, "\(output)")
            let result = try await register.waitForResult(within: .seconds(30))
            #expect(result.status == .approved && result.orderID == first.orderID)
            #expect(try await cluster.bankAuthorizationCount() == 1)
        }
    }

    @Test(
        "kill -9 of registerd between the first request and the result: after restart the register gets the right result exactly once"
    )
    func crashAndResume() async throws {
        try await InStore.with(paths: ["query"]) { cluster, register in
            let request = try await register.ringUp(SimulatedRegister.figure5Sale(receipt: "R-1"))
            cluster.crashRegisterd()
            #expect(try await cluster.pay(as: "alice", payload: request.phonePayload).status == 0)
            let configuration = cluster.directory + "/registerd.conf"
            try await cluster.startRegisterd(configuration: configuration)
            let result = try await register.waitForResult(within: .seconds(60))
            #expect(result.status == .approved && result.orderID == request.orderID)
            await register.line.listen(for: .seconds(3))
            #expect(InStore.results(register, receipt: "R-1").count == 1)
            let status = try await register.status()
            #expect(status.receipt == "R-1" && status.status == .approved)
            #expect(try await cluster.bankHolds().map(\.amount) == [1155])
            // The sale sent again is answered from the journal, not charged again.
            try await register.send(.sale(SimulatedRegister.figure5Sale(receipt: "R-1")))
            #expect(try await register.waitForResult(within: .seconds(10)).status == .approved)
            #expect(try await cluster.bankAuthorizationCount() == 1)
        }
    }
}
