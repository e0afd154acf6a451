import Foundation

extension InStoreCluster {
    /// Starts banksim on a free port (or on `port`, to restart it where settlementd expects it) with
    /// the demo's accounts; `extraArguments` are for fault switches such as `--drop-probability`.
    public func startBank(port: Int = 0, extraArguments: [String] = []) async throws {
        let process = ManagedProcess(
            name: "banksim", executable: try executables.path("banksim"),
            arguments: [
                "serve", "--accounts", directory + "/accounts.json", "--state", bankState, "--port",
                String(port),
                "--status-interval", "0", "--log-level", "info",
            ] + extraArguments, logPath: directory + "/banksim.log")
        let offset = process.logSize
        try process.start()
        bank = process
        let line = try await process.waitForLine(containing: "listening on", after: offset)
        bankPort = try Self.port(in: line, after: "127.0.0.1:")
    }

    /// Starts settlementd (again after a crash: same files, and `port` to keep its address) against
    /// the running bank. `instance` 1 is a second settlementd on the same PostgreSQL database
    /// (``postgresDatabase``), with its own port and log.
    public func startSettlement(instance: Int = 0, port: Int = 0, extraArguments: [String] = []) async throws
    {
        let storeArguments =
            postgresDatabase.map { ["--database", $0] }
            ?? ["--db", settlementDatabase, "--acquirer-state", directory + "/acquirer.sqlite"]
        let process = ManagedProcess(
            name: instance == 0 ? "settlementd" : "settlementd-\(instance + 1)",
            executable: try executables.path("settlementd"),
            arguments: [
                "--port", String(port), "--tls-cert", pki.serverCertificatePath, "--tls-key",
                pki.serverKeyPath, "--client-ca", pki.caCertificatePath, "--vault-key",
                directory + "/vault.key", "--signing-key", directory + "/signing.key", "--acquirer-port",
                String(bankPort), "--push-retry-seconds", "1",
            ] + storeArguments + extraArguments,
            logPath: directory + (instance == 0 ? "/settlementd.log" : "/settlementd-\(instance + 1).log"))
        let offset = process.logSize
        try process.start()
        while settlements.count <= instance {
            settlements.append(nil)
            settlementPorts.append(0)
        }
        settlements[instance] = process
        let line = try await process.waitForLine(containing: "listening on https://", after: offset)
        // HOST:PORT after the scheme; the port is what follows the last ':' of it.
        let address = line.components(separatedBy: "https://").last?.prefix { $0 != " " } ?? ""
        settlementPorts[instance] = try Self.port(
            in: String(address), after: address.contains("]:") ? "]:" : ":")
    }

    /// How registerd proves it is the store to settlementd.
    public enum StoreAuthentication: String, Sendable {
        case mac, mtls
    }

    /// Writes registerd's configuration file for these result paths and returns its path.
    /// With `lane`, the configuration of that lane's registerd (its terminal id, journal, push
    /// receiver and push secret), in a file of its own.
    public func writeRegisterdConfiguration(
        devicePath: String, resultPaths: [String], storeAuthentication: StoreAuthentication,
        orderTTLSeconds: Int = 60, extra: [String: String] = [:], lane: Lane? = nil
    ) throws -> String {
        var settings: [(String, String)] = [
            ("device", devicePath), ("terminal-id", lane?.laneID ?? Self.terminalID),
            ("journal", lane?.journalPath ?? journalPath),
            ("log-level", "info"), ("progress-interval-ms", "1000"),
            ("settlement-url", settlementURL), ("settlement-ca", pki.caCertificatePath),
            ("merchant-id", Self.merchantID), ("store-auth", storeAuthentication.rawValue),
            ("server-public-key", serverPublicKeyPath), ("result-paths", resultPaths.joined(separator: ",")),
            ("poll-interval-ms", "500"), ("order-ttl-seconds", String(orderTTLSeconds)),
        ]
        if resultPaths.contains("relay") { settings.append(("relay-listen", "127.0.0.1:0")) }
        switch storeAuthentication {
        case .mac:
            settings += [("mac-key-id", merchant.macKeyID), ("mac-key-file", merchant.macKeyPath)]
        case .mtls:
            settings += [("client-cert", merchant.certificatePath), ("client-key", merchant.keyPath)]
        }
        if resultPaths.contains("push") {
            settings += [
                ("push-listen", "127.0.0.1:\(lane?.pushPort ?? pushPort)"),
                ("push-cert", pki.serverCertificatePath(name: "registerd")),
                ("push-key", pki.serverKeyPath(name: "registerd")),
                ("push-secret-file", lane?.pushSecretPath ?? merchant.pushSecretPath),
            ]
        }
        for (key, value) in extra.sorted(by: { $0.key < $1.key }) {
            settings.removeAll { $0.0 == key }
            settings.append((key, value))
        }
        let path = directory + (lane.map { "/registerd-\($0.laneID).conf" } ?? "/registerd.conf")
        let text =
            "# written by the in-store cluster\n"
            + settings.map { "\($0.0) = \($0.1)" }.joined(separator: "\n")
            + "\n"
        try write(text, to: path, secret: false)
        return path
    }

    /// Starts registerd with a configuration from ``writeRegisterdConfiguration(devicePath:resultPaths:storeAuthentication:orderTTLSeconds:extra:)``
    /// and waits until its link is open and its gateway ready.
    public func startRegisterd(configuration: String) async throws {
        registerd = try await launchRegisterd(configuration: configuration, name: "registerd")
    }

    /// Starts a registerd and waits until its link is open and its gateway ready.
    func launchRegisterd(configuration: String, name: String) async throws -> ManagedProcess {
        let process = ManagedProcess(
            name: name, executable: try executables.path("registerd"),
            arguments: ["--config", configuration], logPath: directory + "/\(name).log")
        let offset = process.logSize
        try process.start()
        try await process.waitForLine(containing: "settlement gateway ready", after: offset)
        try await process.waitForLine(containing: "link open", after: offset)
        let relay = try? await process.waitForLine(
            containing: "relay endpoint on ", after: offset, timeout: .seconds(2))
        relayEndpoint = relay.flatMap { line in
            line.range(of: "relay endpoint on ").map {
                String(line[$0.upperBound...]).split(separator: " ").first.map(String.init)
            } ?? nil
        }
        return process
    }

    /// Kills registerd with SIGKILL (a crash or power cut).
    public func crashRegisterd() {
        registerd?.kill9()
    }

    /// Stops registerd gracefully.
    public func stopRegisterd() async {
        await registerd?.stop()
    }

    static func port(in line: String, after marker: String) throws -> Int {
        guard let range = line.range(of: marker, options: .backwards) else {
            throw ClusterError.unexpected("no '\(marker)' in '\(line)'")
        }
        let digits = line[range.upperBound...].prefix { $0.isNumber }
        guard let port = Int(digits) else { throw ClusterError.unexpected("no port in '\(line)'") }
        return port
    }
}
