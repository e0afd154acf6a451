import Foundation

extension InStoreCluster {
    /// A hold the bank has not released: an approved authorization still standing.
    public struct BankHold: Equatable, Sendable {
        public let amount: Int64
        public let currency: String
        public let maskedPAN: String
        public let approvalCode: String
    }

    /// The bank's open holds, from `banksim ledger holds`.
    public func bankHolds() async throws -> [BankHold] {
        let (status, output) = try await executables.run(
            "banksim", ["ledger", "holds", "--state", bankState])
        guard status == 0 else { throw ClusterError.commandFailed("banksim ledger holds", output) }
        return output.split(separator: "\n").dropFirst().compactMap { line in
            // hold_id,account_id,masked_pan,amount,currency,terminal,stan,rrn,approval_code
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 9, let amount = Int64(fields[3]) else { return nil }
            return BankHold(
                amount: amount, currency: fields[4], maskedPAN: fields[2], approvalCode: fields[8])
        }
    }

    /// The bank's ledger entries of `event` (`capture`, `refund`, …), as amount and response code.
    public func bankEntries(event: String) async throws -> [(amount: Int64, responseCode: String)] {
        let (status, output) = try await executables.run(
            "banksim", ["ledger", "export", "--state", bankState, "--format", "json"])
        guard status == 0 else { throw ClusterError.commandFailed("banksim ledger export", output) }
        let start = output.firstIndex(of: "[") ?? output.startIndex
        let entries =
            try JSONSerialization.jsonObject(with: Data(output[start...].utf8)) as? [[String: Any]] ?? []
        return entries.compactMap { entry in
            guard entry["event"] as? String == event, let amount = (entry["amount"] as? NSNumber)?.int64Value
            else { return nil }
            return (amount, entry["response_code"] as? String ?? "")
        }
    }

    /// banksim `kill -9`ed (restart it with ``startBank(port:extraArguments:)`` on ``bankPort``).
    public func crashBank() { bank?.kill9() }

    /// How many authorization requests (ISO 8583 0100) reached the bank, from its ledger.
    public func bankAuthorizationCount() async throws -> Int {
        let (status, output) = try await executables.run(
            "banksim", ["ledger", "export", "--state", bankState, "--format", "json"])
        guard status == 0 else { throw ClusterError.commandFailed("banksim ledger export", output) }
        let start = output.firstIndex(of: "[") ?? output.startIndex
        let entries =
            (try? JSONSerialization.jsonObject(with: Data(output[start...].utf8))) as? [[String: Any]] ?? []
        return entries.filter { ($0["event"] as? String) == "authorization" }.count
    }
}
