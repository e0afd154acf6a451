import Foundation
import InStoreCluster
import PairPayCore
import RegisterProtocol
import Testing

/// Issue 5: a sale rung up on the register is paid from the phone and the register learns the
/// result by each of the three result paths, with every component a real process.
@Suite("In store: each result path", .serialized)
struct ResultPathTests {
    @Test("relay through the register: the phone's result text, sent in a RELAY frame, ends the sale")
    func relayThroughRegister() async throws {
        try await InStore.with(paths: ["relay"]) { cluster, register in
            let request = try await register.ringUp(SimulatedRegister.figure5Sale(receipt: "R-1"))
            let relayFile = cluster.directory + "/relay.txt"
            let (status, output) = try await cluster.pay(
                as: "alice", payload: request.phonePayload, extraArguments: ["--relay-out", relayFile])
            #expect(status == 0, "\(output)")
            #expect(output.contains("card ****1111"))
            #expect(!output.contains("4111111111111111"))
            let text = try String(contentsOfFile: relayFile, encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            try await register.relay(receipt: "R-1", text: text)
            let result = try await register.waitForResult(within: .seconds(30))
            #expect(result.status == .approved)
            #expect(result.orderID == request.orderID)
            #expect(result.total == 1155 && result.currencyCode == "JPY")
            #expect(result.cardLast4 == "1111")
            #expect(try await cluster.bankHolds().map(\.amount) == [1155])
            #expect(cluster.registerd?.log.contains("via relay") == true)
        }
    }

    @Test("relay over the network: payagent posts the result to the relay address in the QR code")
    func relayOverNetwork() async throws {
        // The PAIRPAY1 form, with the basket in it (registerd's payload-format pairpay1); the other
        // tests use the default checkout link, which payagent pays by digest.
        try await InStore.with(paths: ["relay"], extra: ["payload-format": "pairpay1"]) { cluster, register in
            let request = try await register.ringUp(SimulatedRegister.figure5Sale(receipt: "R-1"))
            #expect(request.phonePayload.hasPrefix("PAIRPAY1:"))
            let payload = try PaymentPayload(text: request.phonePayload)
            #expect(payload.relayURL != nil)
            #expect(payload.lineItems?.count == 2)
            let (status, output) = try await cluster.pay(
                as: "bob", payload: request.phonePayload, extraArguments: ["--relay"])
            #expect(status == 0, "\(output)")
            let result = try await register.waitForResult(within: .seconds(30))
            #expect(result.status == .approved)
            #expect(result.cardLast4 == "4444")
            #expect(try await cluster.bankHolds().map(\.amount) == [1155])
        }
    }

    @Test("push: the server posts the signed result to registerd's HTTPS receiver (store by mutual TLS)")
    func push() async throws {
        try await InStore.with(paths: ["push"], auth: .mtls) { cluster, register in
            let request = try await register.ringUp(SimulatedRegister.figure5Sale(receipt: "R-1"))
            let (status, output) = try await cluster.pay(as: "carol", payload: request.phonePayload)
            #expect(status == 0, "\(output)")
            let result = try await register.waitForResult(within: .seconds(30))
            #expect(result.status == .approved)
            #expect(result.orderID == request.orderID)
            #expect(try await cluster.bankHolds().map(\.amount) == [1155])
            #expect(cluster.registerd?.log.contains("via push") == true)
        }
    }

    @Test("query: registerd polls the server's history and learns the result (vaulted card)")
    func query() async throws {
        try await InStore.with(paths: ["query"]) { cluster, register in
            let request = try await register.ringUp(SimulatedRegister.figure5Sale(receipt: "R-1"))
            let (status, output) = try await cluster.pay(as: "dave", payload: request.phonePayload)
            #expect(status == 0, "\(output)")
            let result = try await register.waitForResult(within: .seconds(30))
            #expect(result.status == .approved)
            #expect(try await cluster.bankHolds().map(\.amount) == [1155])
            #expect(cluster.registerd?.log.contains("via query") == true)
        }
    }
}
