import Foundation

extension InStoreCluster {
    /// One register lane of the merchant: a registerd with its own terminal id (the lane id), ISO
    /// 8583 terminal id, journal, push receiver and push secret (docs/OPERATOR.md, lanes).
    public struct Lane: Sendable {
        /// registerd's terminal id.
        public let laneID: String
        /// ISO 8583 field 41 of the lane's sales.
        public let terminalID: String
        public let pushPort: Int
        public let pushSecretPath: String
        public let journalPath: String
    }

    /// Enrols a lane with `pairpay enroll lane` and a push endpoint on a free port.
    public func enrollLane(_ laneID: String, terminalID: String) async throws -> Lane {
        let pushPort = try FreePort.pick()
        let output = try await pairpay([
            "enroll", "lane", "--db", settlementDatabase, "--merchant", Self.merchantID, "--lane", laneID,
            "--terminal-id", terminalID, "--push-url", "https://127.0.0.1:\(pushPort)/v1/push",
        ])
        let lane = Lane(
            laneID: laneID, terminalID: terminalID, pushPort: pushPort,
            pushSecretPath: directory + "/\(laneID)-push.secret",
            journalPath: directory + "/registerd-\(laneID)-journal.sqlite")
        try write(
            try Self.value(after: "push secret ", in: output) + "\n", to: lane.pushSecretPath, secret: true)
        return lane
    }

    /// Writes the lane's registerd configuration and starts it on `devicePath`.
    public func startLane(_ lane: Lane, devicePath: String, resultPaths: [String]) async throws {
        let configuration = try writeRegisterdConfiguration(
            devicePath: devicePath, resultPaths: resultPaths, storeAuthentication: .mac, lane: lane)
        laneRegisterds[lane.laneID] = try await launchRegisterd(
            configuration: configuration, name: "registerd-\(lane.laneID)")
    }

    /// Runs `pairpay reconcile` over the cluster's files: the journals of `lanes` (the cluster's own
    /// registerd's when empty), the settlement store and acquirer state, and the bank's ledger as
    /// `banksim ledger export --format json` writes it. Returns the exit status and the output.
    public func reconcile(
        lanes: [Lane] = [], format: String = "json", extraArguments: [String] = []
    ) async throws -> (status: Int32, output: String) {
        let (exported, ledger) = try await executables.run(
            "banksim", ["ledger", "export", "--state", bankState, "--format", "json"])
        guard exported == 0 else { throw ClusterError.commandFailed("banksim ledger export", ledger) }
        let ledgerPath = directory + "/bank-ledger.json"
        try write(
            String(ledger[(ledger.firstIndex(of: "[") ?? ledger.startIndex)...]), to: ledgerPath,
            secret: false)
        let journals =
            lanes.isEmpty
            ? ["--journal", "\(Self.terminalID)=\(journalPath)"]
            : lanes.flatMap { ["--journal", "\($0.laneID)=\($0.journalPath)"] }
        let store =
            postgresDatabase.map { ["--db", $0] }
            ?? ["--db", settlementDatabase, "--acquirer-state", directory + "/acquirer.sqlite"]
        return try await executables.run(
            "pairpay",
            ["reconcile"] + journals + store + ["--bank-ledger", ledgerPath, "--format", format]
                + extraArguments)
    }
}
