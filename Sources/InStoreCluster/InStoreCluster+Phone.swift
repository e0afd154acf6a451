extension InStoreCluster {
    /// Runs `payagent pay` for an enrolled user on a payment payload, confirming with `--yes`.
    /// - Returns: payagent's exit status (0 approved, 2 not paid, 1 error) and its output.
    public func pay(
        as userID: String, payload: String, extraArguments: [String] = [], timeout: Duration = .seconds(90)
    ) async throws -> (status: Int32, output: String) {
        guard let user = users[userID] else { throw ClusterError.unexpected("no user \(userID) enrolled") }
        return try await executables.run(
            "payagent",
            ["pay", payload, "--server", settlementURL, "--yes"] + user.arguments + extraArguments,
            timeout: timeout)
    }
}
