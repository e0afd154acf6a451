import PairPayCore

extension InStoreCluster {
    /// Runs `payagent pay` for an enrolled user on a payment payload, confirming with `--yes`.
    /// - Returns: payagent's exit status (0 approved, 2 not paid, 1 error) and its output.
    public func pay(
        as userID: String, payload: String, extraArguments: [String] = [], timeout: Duration = .seconds(90)
    ) async throws -> (status: Int32, output: String) {
        guard let user = users[userID] else { throw ClusterError.unexpected("no user \(userID) enrolled") }
        return try await executables.run(
            "payagent",
            ["pay", payload, "--server", settlementURL(instance: phoneInstance), "--yes"] + user.arguments
                + extraArguments,
            timeout: timeout)
    }
}

extension InStoreCluster {
    /// A payment payload with another total (items left out, digest kept): the QR code as a
    /// doctored copy would show it, for the demo's and the tests' tampered sales.
    /// A checkout link stays a link, a `PAIRPAY1:` payload stays one.
    public static func tampered(_ payload: String, total: Int64) throws -> String {
        let original = try PaymentPayload(text: payload)
        let doctored = try PaymentPayload(
            serverURL: original.serverURL, merchantID: original.merchantID, orderID: original.orderID,
            total: Money(minorUnits: total, currency: original.total.currency),
            contentsDigest: original.contentsDigest, expiresAt: original.expiresAt,
            relayURL: original.relayURL)
        return payload.hasPrefix(PaymentPayload.prefix) ? try doctored.text() : doctored.checkoutURL
    }

    /// Enrols a user who signs in with a password on the payment page, with `pan` in the server's
    /// vault when given (claims 13 and 15 through the browser).
    public func enrollPasswordUser(
        _ id: String, password: String, vaulting pan: String? = nil, expiry: String = "3012"
    ) async throws {
        _ = try await pairpay(
            ["enroll", "user", "--db", settlementDatabase, "--id", id, "--password-stdin"],
            input: password + "\n")
        if let pan {
            _ = try await pairpay(
                [
                    "vault", "add", "--db", settlementDatabase, "--vault-key", directory + "/vault.key",
                    "--user", id,
                    "--expiry", expiry,
                ], input: pan + "\n")
        }
    }
}
