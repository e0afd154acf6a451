import Foundation
import PairPayCore
import Testing

extension SettlementdProcessTests {
    /// settlementd and banksim as processes: pairing, matching, signatures, queries, vault.
    @Suite("settlementd end to end: settlement flow")
    struct SettlementFlowTests {
        static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
            try JSONDecoder().decode(T.self, from: Data(text.utf8))
        }

        static func result(_ text: String) throws -> SignedSettlementResult {
            if let signed = try? decode(SignedSettlementResult.self, text) { return signed }
            struct View: Decodable { let result: SignedSettlementResult? }
            return try #require(try decode(View.self, text).result, "no result in \(text)")
        }

        static func errorCode(_ text: String) -> String? {
            struct Envelope: Decodable {
                struct Body: Decodable { let code: String }
                let error: Body
            }
            return try? decode(Envelope.self, text).error.code
        }

        @Test func theStoreCancelsBeforePaymentAndAfterApproval() async throws {
            try await SettlementCluster.with { cluster in
                let shop = try await cluster.enrollMerchant("shop-1")
                let alice = try await cluster.enrollUser("alice")
                try await cluster.startServer()
                let verifier = ResultVerifier(publicKey: cluster.publicKey)

                // Before the phone pays: the order ends cancelled; a late phone gets that result, and
                // the bank is never asked.
                _ = try await cluster.store(
                    .POST, "/v1/orders", body: Orders.first("shop-1", "c-1", unitPrice: 1777), as: shop)
                let cancelled = try await cluster.store(.POST, "/v1/orders/c-1/cancel", as: shop)
                #expect(cancelled.status == 200, "\(cancelled.body)")
                let early = try verifier.verify(try Self.result(cancelled.body))
                #expect(early.status == .cancelled)
                let late = try await cluster.phone(
                    "c-1", body: Orders.second("shop-1", "c-1", unitPrice: 1777), as: alice)
                #expect(try verifier.verify(try Self.result(late.body)).status == .cancelled)
                #expect(try await cluster.ledgerEntries(amount: 1777).isEmpty)

                // After approval: the cancel reverses the authorization at the bank.
                _ = try await cluster.store(
                    .POST, "/v1/orders", body: Orders.first("shop-1", "c-2", unitPrice: 1888), as: shop)
                let paid = try await cluster.phone(
                    "c-2", body: Orders.second("shop-1", "c-2", unitPrice: 1888), as: alice)
                #expect(try verifier.verify(try Self.result(paid.body)).status == .approved)
                let reversed = try await cluster.store(.POST, "/v1/orders/c-2/cancel", as: shop)
                #expect(reversed.status == 200, "\(reversed.body)")
                let after = try verifier.verify(try Self.result(reversed.body))
                #expect(after.status == .cancelled && after.reason == .reversed)
                let events = try await cluster.ledgerEntries(amount: 1888).compactMap {
                    $0["event"] as? String
                }
                #expect(events == ["authorization", "reversal"])
                // The store's query (path 3) now shows the cancelled result.
                let queried = try await cluster.store(.GET, "/v1/orders/c-2", as: shop)
                #expect(try Self.result(queried.body) == Self.result(reversed.body))
            }
        }

        @Test func pairingMatchingSignaturesQueriesAndVault() async throws {
            try await SettlementCluster.with { cluster in
                let shop = try await cluster.enrollMerchant("shop-1")
                let other = try await cluster.enrollMerchant("shop-2")
                let alice = try await cluster.enrollUser("alice")
                let reference = try await cluster.vault(pan: Orders.pan, expiry: "3012", user: "alice")
                try await cluster.startServer()
                let verifier = ResultVerifier(publicKey: cluster.publicKey)
                var storeBodies: [String] = []

                // Approved: store first, then the phone. The result verifies with the server key and the
                // store's query (path 3) returns the same signed result.
                let first = try await cluster.store(
                    .POST, "/v1/orders", body: Orders.first("shop-1", "o-1", unitPrice: 1111), as: shop)
                #expect(first.status == 200, "\(first.body)")
                storeBodies.append(first.body)
                let paid = try await cluster.phone(
                    "o-1", body: Orders.second("shop-1", "o-1", unitPrice: 1111), as: alice)
                #expect(paid.status == 200, "\(paid.body)")
                let signed = try Self.result(paid.body)
                let verified = try verifier.verify(signed)
                #expect(verified.status == .approved)
                #expect(verified.total.minorUnits == 1111)
                #expect(verified.cardLast4 == "1111")
                #expect(verified.approvalCode != nil)
                let queried = try await cluster.client(certificate: "shop-1").send(
                    .GET, cluster.base + "/v1/orders/o-1")
                #expect(queried.status == 200, "\(queried.body)")
                storeBodies.append(queried.body)
                #expect(try Self.result(queried.body) == signed)

                // Idempotent repeat: same answer, one bank authorization.
                let repeated = try await cluster.phone(
                    "o-1", body: Orders.second("shop-1", "o-1", unitPrice: 1111), as: alice)
                #expect(repeated.status == 200)
                #expect(try Self.result(repeated.body) == signed)
                #expect(try await cluster.ledgerEntries(amount: 1111).count == 1)

                // Conflicting repeat of the first request → 409.
                let conflict = try await cluster.store(
                    .POST, "/v1/orders", body: Orders.first("shop-1", "o-1", unitPrice: 1112), as: shop)
                #expect(conflict.status == 409)
                #expect(Self.errorCode(conflict.body) == "conflict")

                // Another merchant cannot see the order.
                let foreign = try await cluster.store(.GET, "/v1/orders/o-1", as: other)
                #expect(foreign.status == 404)
                #expect(!foreign.body.contains("1111"))

                // Second request before the first: 202 awaiting-first, then the first settles it.
                let early = try await cluster.phone(
                    "o-2", body: Orders.second("shop-1", "o-2", unitPrice: 1222), as: alice)
                #expect(early.status == 202, "\(early.body)")
                let late = try await cluster.store(
                    .POST, "/v1/orders", body: Orders.first("shop-1", "o-2", unitPrice: 1222), as: shop)
                #expect(late.status == 200, "\(late.body)")
                storeBodies.append(late.body)
                let lateResult = try Self.result(late.body)
                #expect(try verifier.verify(lateResult).status == .approved)
                let relayed = try await cluster.phone(
                    "o-2", body: Orders.second("shop-1", "o-2", unitPrice: 1222), as: alice)
                #expect(try Self.result(relayed.body) == lateResult)

                // Tampered amount from the phone: declined mismatch, the bank never called.
                _ = try await cluster.store(
                    .POST, "/v1/orders", body: Orders.first("shop-1", "o-3", unitPrice: 1333), as: shop)
                let tampered = try await cluster.phone(
                    "o-3", body: Orders.second("shop-1", "o-3", unitPrice: 1, quantity: 1), as: alice)
                let mismatch = try verifier.verify(try Self.result(tampered.body))
                #expect(mismatch.status == .declined)
                #expect(mismatch.reason == .mismatch)
                // The phone learns which fields differ, never the store's line items.
                #expect(!tampered.body.contains("Coffee"))
                #expect(try await cluster.ledgerEntries(amount: 1333).isEmpty)
                #expect(try await cluster.ledgerEntries(amount: 1).isEmpty)

                // Tampered amount from the store (phone first this time).
                _ = try await cluster.phone(
                    "o-4", body: Orders.second("shop-1", "o-4", unitPrice: 1444), as: alice)
                let storeTampered = try await cluster.store(
                    .POST, "/v1/orders", body: Orders.first("shop-1", "o-4", unitPrice: 9444), as: shop)
                storeBodies.append(storeTampered.body)
                #expect(storeTampered.status == 200, "\(storeTampered.body)")
                let storeMismatch = try verifier.verify(try Self.result(storeTampered.body))
                #expect(storeMismatch.reason == .mismatch)
                // The phone's amount is never told to the store (a timestamp may contain the digits).
                #expect(!storeTampered.body.contains(":1444"))
                #expect(try await cluster.ledgerEntries(amount: 9444).isEmpty)
                #expect(try await cluster.ledgerEntries(amount: 1444).isEmpty)

                // Vault payment: the phone sends only the reference.
                _ = try await cluster.store(
                    .POST, "/v1/orders", body: Orders.first("shop-1", "o-6", unitPrice: 1666), as: shop)
                let vaulted = try await cluster.phone(
                    "o-6", body: Orders.second("shop-1", "o-6", unitPrice: 1666, vaultReference: reference),
                    as: alice)
                #expect(vaulted.status == 200, "\(vaulted.body)")
                #expect(try verifier.verify(try Self.result(vaulted.body)).status == .approved)
                let vaultQuery = try await cluster.store(.GET, "/v1/orders/o-6", as: shop)
                storeBodies.append(vaultQuery.body)
                #expect(try await cluster.ledgerEntries(amount: 1666).count == 1)

                // The card number never reaches the store or the log.
                for body in storeBodies { #expect(!body.contains(Orders.pan) && !body.contains("411111")) }
                let log = cluster.serverLog
                #expect(!log.isEmpty)
                let leaks = log.split(separator: "\n").filter {
                    $0.contains("411111") || $0.contains(Orders.pan)
                }
                #expect(leaks.isEmpty, "card digits in settlementd's log: \(leaks)")
                #expect(!log.contains(alice.password))
            }
        }
    }
}
