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
}
