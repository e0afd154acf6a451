import Foundation
import InStoreCluster
import PairPayCore
import RegisterProtocol
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// One in-store system per test: banksim, settlementd and registerd as processes, a simulated
/// register on a real pty, payagent as the phone. Torn down whatever happens.
enum InStore {
    static func with(
        paths: [String], auth: InStoreCluster.StoreAuthentication = .mac, orderTTLSeconds: Int = 60,
        _ body: (InStoreCluster, SimulatedRegister) async throws -> Void
    ) async throws {
        var template = Array("/tmp/pairpay-instore-XXXXXX".utf8CString)
        let directory = try #require(mkdtemp(&template).map { String(cString: $0) })
        let cluster = try InStoreCluster(directory: directory, executables: ClusterExecutables())
        do {
            try await cluster.prepare()
            try await cluster.startBank()
            try await cluster.startSettlement()
            let register = try SimulatedRegister()
            let configuration = try cluster.writeRegisterdConfiguration(
                devicePath: register.devicePath, resultPaths: paths, storeAuthentication: auth,
                orderTTLSeconds: orderTTLSeconds)
            try await cluster.startRegisterd(configuration: configuration)
            try await register.hello()
            try await body(cluster, register)
            await cluster.shutdown()
            try? FileManager.default.removeItem(atPath: directory)
        } catch {
            await cluster.shutdown()
            Issue.record("logs kept in \(directory)")
            throw error
        }
    }

    /// The RESULT frames the register received for `receipt`, retransmissions not counted.
    static func results(_ register: SimulatedRegister, receipt: String) -> [TransactionResult] {
        register.line.receivedMessages.compactMap { message in
            if case .result(let result) = message, result.receipt == receipt { return result }
            return nil
        }
    }

    /// The payload of a Fig. 5 sale with a different total (items left out, digest kept): what a
    /// phone given a doctored QR code claims.
    static func tampered(_ payload: String, total: Int64) throws -> String {
        let original = try PaymentPayload(text: payload)
        return try PaymentPayload(
            serverURL: original.serverURL, merchantID: original.merchantID, orderID: original.orderID,
            total: Money(minorUnits: total, currency: original.total.currency),
            contentsDigest: original.contentsDigest, expiresAt: original.expiresAt,
            relayURL: original.relayURL
        ).text()
    }
}
