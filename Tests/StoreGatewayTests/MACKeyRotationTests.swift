import Foundation
import PairPayCore
import Register
import StoreGateway
import Testing

extension StoreProcessTests {
    /// A store's credentials changed with the real `pairpay` CLI while the real settlementd runs
    /// (issue 16): during a rotation's overlap both MAC keys register orders, a retired key and a
    /// revoked certificate are refused at the very next request, and what was not touched goes on
    /// working.
    @Suite("pairpay keys mac and pki revoke while settlementd runs", .serialized)
    struct MACKeyRotationTests {
        @Test func bothKeysWorkDuringTheOverlapAndARetiredKeyIsRefusedAtOnce() async throws {
            try await SettlementProcesses.with { cluster in
                let old = try await cluster.enrollMerchant("shop-rotate")
                let rotated = try await SettlementProcesses.pairpay([
                    "keys", "mac", "rotate", "--db", cluster.db, "--merchant", old.id, "--overlap-seconds",
                    "600",
                ])
                let new = SettlementProcesses.Merchant(
                    id: old.id, keyID: try #require(SettlementProcesses.line(rotated, "mac key id ")),
                    key: try #require(SettlementProcesses.line(rotated, "mac key ").flatMap(Hex.decode)),
                    pushSecret: nil)
                #expect(new.keyID != old.keyID)
                #expect(rotated.contains("\(old.keyID) works until "))

                let listed = try await SettlementProcesses.pairpay([
                    "keys", "mac", "list", "--db", cluster.db, "--merchant", old.id,
                ])
                #expect(listed.contains("\(old.keyID)  expiring at "), "\(listed)")
                #expect(listed.contains("\(new.keyID)  active"), "\(listed)")
                #expect(!listed.contains(Hex.encode(old.key)) && !listed.contains(Hex.encode(new.key)))

                let oldKey = try Fixture.configuration(cluster, old, paths: [.query], relay: false)
                let newKey = try Fixture.configuration(cluster, new, paths: [.query], relay: false)
                // The overlap: orders go through with either key.
                try await Fixture.withGateway(oldKey) { gateway, _ in
                    _ = try await gateway.register(try Fixture.order())
                }
                try await Fixture.withGateway(newKey) { gateway, _ in
                    _ = try await gateway.register(try Fixture.order())
                }

                // A leak: the old key is retired, and the running server refuses it at once.
                let retired = try await SettlementProcesses.pairpay([
                    "keys", "mac", "retire", "--db", cluster.db, "--key-id", old.keyID,
                ])
                #expect(retired.contains("\(old.keyID) retired"))
                try await Fixture.withGateway(oldKey) { gateway, _ in
                    await #expect {
                        _ = try await gateway.register(try Fixture.order())
                    } throws: { error in
                        guard case .refused(let sentence)? = error as? SettlementGatewayError else {
                            return false
                        }
                        return sentence.contains("retired or expired")
                    }
                }
                try await Fixture.withGateway(newKey) { gateway, _ in
                    _ = try await gateway.register(try Fixture.order())
                }
                // And the CLI says what it cannot do.
                await #expect(throws: (any Error).self) {
                    _ = try await SettlementProcesses.pairpay([
                        "keys", "mac", "expire", "--db", cluster.db, "--key-id", old.keyID, "--in-seconds",
                        "60",
                    ])
                }
            }
        }
        /// A store on mutual TLS whose certificate is revoked with `pairpay pki revoke` while
        /// settlementd runs: refused at the next request, without a restart.
        @Test func aRevokedClientCertificateIsRefusedAtTheNextRequest() async throws {
            try await SettlementProcesses.with { cluster in
                let merchant = try await cluster.enrollMerchant("shop-revoked")
                let configuration = try Fixture.configuration(
                    cluster, merchant, paths: [.query], mutualTLS: true, relay: false)
                try await Fixture.withGateway(configuration) { gateway, _ in
                    _ = try await gateway.register(try Fixture.order())
                }
                let revoked = try await SettlementProcesses.pairpay([
                    "pki", "revoke", "--db", cluster.db, "--certificate",
                    cluster.pki.clientCertificatePath(merchant.id),
                ])
                #expect(revoked.contains("of merchant shop-revoked revoked"), "\(revoked)")
                try await Fixture.withGateway(configuration) { gateway, _ in
                    await #expect {
                        _ = try await gateway.register(try Fixture.order())
                    } throws: { error in
                        guard case .refused? = error as? SettlementGatewayError else { return false }
                        return true
                    }
                }
                // Its MAC key, a credential of its own, still works.
                let mac = try Fixture.configuration(cluster, merchant, paths: [.query], relay: false)
                try await Fixture.withGateway(mac) { gateway, _ in
                    _ = try await gateway.register(try Fixture.order())
                }
            }
        }
    }
}
