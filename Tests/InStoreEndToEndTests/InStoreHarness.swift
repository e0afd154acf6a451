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
        extra: [String: String] = [:], _ body: (InStoreCluster, SimulatedRegister) async throws -> Void
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
                orderTTLSeconds: orderTTLSeconds, extra: extra)
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
}
