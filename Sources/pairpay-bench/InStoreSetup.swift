import Foundation
import InStoreCluster
import PairPayCore
import PhoneAgent

/// registerd on a pty against the benchmark cluster's settlementd, and alice's phone as an
/// in-process ``PhoneAgent``: the in-store path of the `footprint` and `link` suites.
struct InStoreSetup {
    let bench: BenchCluster
    let register: SimulatedRegister
    let phone: PhoneAgent
    let configuration: String

    /// Writes registerd's configuration (MAC store authentication, result by push) and makes the phone.
    init(bench: BenchCluster) throws {
        self.bench = bench
        register = try SimulatedRegister()
        configuration = try bench.cluster.writeRegisterdConfiguration(
            devicePath: register.devicePath, resultPaths: ["push"], storeAuthentication: .mac)
        let key = try PhoneAgentConfiguration.serverPublicKey(
            hex: try String(contentsOfFile: bench.cluster.serverPublicKeyPath, encoding: .utf8))
        phone = PhoneAgent(
            configuration: try PhoneAgentConfiguration(
                serverURL: bench.cluster.settlementURL, serverPublicKey: key,
                authentication: .requestMAC(userID: "alice", keyID: bench.aliceKeyID, key: bench.aliceKey)),
            transport: PhoneTransport(client: bench.client))
    }

    static var card: PaymentInstrument {
        get throws {
            .card(
                CardData(
                    primaryAccountNumber: try PrimaryAccountNumber("4111111111111111"),
                    expiry: try CardExpiry(yymm: "3012"), securityCode: try CardSecurityCode("123")))
        }
    }

    /// Sale → PAYMENT REQUEST, the phone pays, → RESULT. Returns the two latencies in ms:
    /// sale to payment request, and phone's verified result to the register's RESULT.
    func sale(receipt: String) async throws -> (paymentRequest: Double, result: Double) {
        let watch = Stopwatch()
        let request = try await register.ringUp(SimulatedRegister.figure5Sale(receipt: receipt))
        let toPaymentRequest = watch.milliseconds
        let payload = try phone.read(request.phonePayload)
        let outcome = try await phone.pay(payload, with: try Self.card)
        let paid = Stopwatch()
        let result = try await register.waitForResult(within: .seconds(30))
        let toResult = paid.milliseconds
        guard result.orderID == request.orderID, result.status == .approved else {
            throw Shell.Failure(
                description: "sale \(receipt): \(result.status.name), attempts \(outcome.attempts)")
        }
        return (toPaymentRequest, toResult)
    }
}
