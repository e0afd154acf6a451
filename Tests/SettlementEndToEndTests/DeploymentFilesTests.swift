import AsyncHTTPClient
import Foundation
import InStoreCluster
import PostgresTestSupport
import RegisterLinkTestSupport
import SettlementPostgres
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension SettlementdProcessTests {
    /// What deploy/ and docs/DEPLOYMENT.md give an operator, used as they say: the systemd units
    /// pass `systemd-analyze verify`, settlementd runs with the configuration example, two
    /// instances serve stores through nginx's TLS passthrough (the client certificate still ends at
    /// settlementd) and keep serving when one dies, and the database password comes from the
    /// environment or a file, never from the command line.
    @Suite("deploy/: units, configuration example, nginx passthrough, database password")
    struct DeploymentFilesTests {
        static let deploy = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("deploy")

        /// Runs settlementd with `arguments` until `body`, given its `https://HOST:PORT`, returns.
        static func withSettlementd(
            _ arguments: [String], stderr: String, _ body: (String) async throws -> Void
        ) async throws {
            let (process, line) = try await BuiltExecutable.launch(
                "settlementd", arguments, marker: "listening on https://", stderr: stderr)
            let outcome: Result<Void, any Error>
            do {
                try await body(
                    String(try #require(line.split(separator: " ").first { $0.hasPrefix("https://") })))
                outcome = .success(())
            } catch {
                outcome = .failure(error)
            }
            // SIGTERM must stop it (systemd's stop); one that does not is killed and reported.
            let stopped = await BuiltExecutable.stop(process)
            #expect(stopped, "settlementd did not stop within 15 s of SIGTERM (see \(stderr))")
            try outcome.get()
        }

        static func text(_ path: String) throws -> String {
            try String(contentsOf: deploy.appendingPathComponent(path), encoding: .utf8)
        }

        @Test(arguments: ["settlementd", "banksim"])
        func theSystemdUnitVerifies(_ name: String) async throws {
            let analyze = try #require(
                Tool.find("systemd-analyze"), "systemd-analyze is missing (Debian package systemd)")
            let directory = try Tool.temporaryDirectory("unit")
            defer { try? FileManager.default.removeItem(at: directory) }
            // The unit as shipped, with a binary that exists here in place of the installed one.
            let unit = try Self.text("systemd/\(name).service")
                .replacingOccurrences(of: "/usr/local/bin/\(name)", with: try #require(Tool.find("true")))
            let path = directory.appendingPathComponent("\(name).service").path
            try unit.write(toFile: path, atomically: true, encoding: .utf8)
            let (status, output) = try await Tool.run(analyze, ["verify", path])
            let complaints = output.split(separator: "\n").filter { $0.contains("\(name).service") }
            #expect(status == 0 && complaints.isEmpty, "\(output)")
        }

        @Test func settlementdRunsWithTheConfigurationExample() async throws {
            let example = try Self.text("settlementd.conf.example")
            // Every key, set or shown commented out, is one of settlementd's options.
            let (_, help) = try await BuiltExecutable.run("settlementd", ["--help"])
            let options = Set(
                help.split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "-" })
                    .filter { $0.hasPrefix("--") }.map { String($0.dropFirst(2)) })
            let keys = example.split(separator: "\n").compactMap { line -> String? in
                let body = line.hasPrefix("# ") ? line.dropFirst(2) : line[...]
                guard let equals = body.range(of: " = "),
                    body[..<equals.lowerBound].allSatisfy({ $0.isLowercase || $0 == "-" })
                else { return nil }
                return String(body[..<equals.lowerBound])
            }
            #expect(keys.count >= 20)
            #expect(Set(keys).subtracting(options).isEmpty, "\(Set(keys).subtracting(options))")

            try await SettlementCluster.with { cluster in
                let state = cluster.dir + "/var-lib-settlementd"
                try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
                _ = try await SettlementCluster.pairpay([
                    "keys", "vault", "--out", cluster.dir + "/checkout.key",
                ])
                let pki = cluster.pki.directory
                let configuration =
                    example
                    .replacingOccurrences(of: "/etc/pairpay/pki/server-key.pem", with: pki.serverKeyPath)
                    .replacingOccurrences(of: "/etc/pairpay/pki/server.pem", with: pki.serverCertificatePath)
                    .replacingOccurrences(of: "/etc/pairpay/pki/ca.pem", with: pki.caCertificatePath)
                    .replacingOccurrences(of: "/var/lib/settlementd", with: state)
                    .replacingOccurrences(of: "/etc/pairpay/vault.key", with: cluster.dir + "/vault.key")
                    .replacingOccurrences(
                        of: "/etc/pairpay/result-signing.key", with: cluster.dir + "/signing.key"
                    )
                    .replacingOccurrences(
                        of: "/etc/pairpay/checkout.key", with: cluster.dir + "/checkout.key"
                    )
                    .replacingOccurrences(
                        of: "acquirer-port = 8583", with: "acquirer-port = \(cluster.bankPort)"
                    )
                    .replacingOccurrences(of: "port = 8443", with: "port = 0")
                    .replacingOccurrences(of: "listen = 0.0.0.0", with: "listen = 127.0.0.1")
                let file = cluster.dir + "/settlementd.conf"
                try configuration.write(toFile: file, atomically: true, encoding: .utf8)
                try await Self.withSettlementd(["--config", file], stderr: cluster.dir + "/example.stderr") {
                    base in
                    let ready = try await cluster.plain.send(.GET, base + "/ready")
                    #expect(ready.status == 200, "\(ready.body)")
                }
                #expect(FileManager.default.fileExists(atPath: state + "/settlement.sqlite"))
                #expect(FileManager.default.fileExists(atPath: state + "/acquirer.sqlite"))
            }
        }

        @Test func twoInstancesServeStoresThroughNginxPassthroughAndSurviveOneDying() async throws {
            let nginx = try #require(
                Tool.find("nginx", in: ["/usr/sbin"]),
                "nginx is missing (Debian packages nginx, libnginx-mod-stream)")
            let module = "/usr/lib/nginx/modules/ngx_stream_module.so"
            #expect(FileManager.default.fileExists(atPath: module), "libnginx-mod-stream is missing")
            let database = try await TestPostgres.freshDatabaseURL()
            try await SettlementCluster.with { cluster in
                cluster.databaseURL = database.description
                _ = try await cluster.enrollMerchant("shop-1")
                let common =
                    cluster.instanceArguments(database: database) + [
                        "--store-auth", "mtls",
                    ]
                let a = TwoInstanceTests.Instance(
                    name: "A", arguments: common, stderr: cluster.dir + "/a.stderr")
                let b = TwoInstanceTests.Instance(
                    name: "B", arguments: common, stderr: cluster.dir + "/b.stderr")
                defer {
                    a.stop()
                    b.stop()
                }
                try await a.start()
                try await b.start()
                // deploy/nginx/pairpay-stream.conf as shipped, with this machine's addresses.
                let front = try FreePort.pick()
                let stream = try Self.text("nginx/pairpay-stream.conf")
                    .replacingOccurrences(of: "server 10.0.0.11:8443", with: "server 127.0.0.1:\(a.port)")
                    .replacingOccurrences(of: "server 10.0.0.12:8443", with: "server 127.0.0.1:\(b.port)")
                    .replacingOccurrences(of: "listen 443;", with: "listen 127.0.0.1:\(front);")
                    .replacingOccurrences(of: "listen [::]:443;", with: "")
                let directory = cluster.dir + "/nginx"
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                try stream.write(
                    toFile: directory + "/pairpay-stream.conf", atomically: true, encoding: .utf8)
                let main = """
                    load_module \(module);
                    daemon off;
                    worker_processes 1;
                    pid \(directory)/nginx.pid;
                    error_log \(directory)/error.log notice;
                    events { worker_connections 64; }
                    include \(directory)/pairpay-stream.conf;
                    """
                try main.write(toFile: directory + "/nginx.conf", atomically: true, encoding: .utf8)
                let (checked, checkOutput) = try await Tool.run(
                    nginx, ["-t", "-p", directory, "-c", directory + "/nginx.conf"])
                #expect(checked == 0, "\(checkOutput)")
                let balancer = Process()
                balancer.executableURL = URL(fileURLWithPath: nginx)
                balancer.arguments = ["-p", directory, "-c", directory + "/nginx.conf"]
                balancer.standardError = FileHandle.nullDevice
                try balancer.run()
                // SIGTERM to nginx's master: it stops its worker and exits.
                defer {
                    balancer.terminate()
                    balancer.waitUntilExit()
                }
                try await Tool.waitForListener(port: front)

                // A store authenticated by its client certificate alone (--store-auth mtls): the
                // certificate reaches settlementd through nginx, or the request would be 401.
                let base = "https://127.0.0.1:\(front)"
                func post(_ order: String) async throws -> (status: Int, body: String) {
                    // A client of its own per request: no pooled connection to a dead instance.
                    let client = HTTPClient.make(tls: try cluster.pki.clientTLS(client: "shop-1"))
                    do {
                        let answer = try await client.send(
                            .POST, base + "/v1/orders", headers: [("Content-Type", "application/json")],
                            body: Orders.first("shop-1", order, unitPrice: 1155, expiresIn: 600))
                        try? await client.shutdown()
                        return answer
                    } catch {
                        try? await client.shutdown()
                        throw error
                    }
                }
                let first = try await post("NG-1")
                #expect((200..<300).contains(first.status), "\(first.body)")
                let bare = try await cluster.plain.send(
                    .POST, base + "/v1/orders", headers: [("Content-Type", "application/json")],
                    body: Orders.first("shop-1", "NG-0", unitPrice: 1155))
                #expect(bare.status == 401, "without a certificate: \(bare.body)")

                // A dies, then (A back) B dies: the instance nginx's hash picks is down in one of
                // the two, and its connection goes to the other one, which knows the orders the
                // first one stored (one database).
                a.kill()
                let second = try await post("NG-2")
                #expect((200..<300).contains(second.status), "with A down: \(second.body)")
                try await a.start()
                b.kill()
                let third = try await post("NG-3")
                #expect((200..<300).contains(third.status), "with B down: \(third.body)")
                // The same first request again is answered as the first was, by whichever is up.
                let again = try await post("NG-1")
                #expect((200..<300).contains(again.status), "\(again.body)")
                let pool = try await TestPostgres.connect(database, maximumConnections: 1)
                defer { pool.close() }
                let store = try await PostgresSettlementStore(database: pool)
                #expect(try await store.order(merchantID: "shop-1", orderID: "NG-1") != nil)
                #expect(try await store.order(merchantID: "shop-1", orderID: "NG-2") != nil)
                #expect(try await store.order(merchantID: "shop-1", orderID: "NG-3") != nil)
            }
        }

        /// The database goes away under a running instance (dropped, its connections ended): the
        /// instance stays alive but answers `/ready` with 503 and `"database": "failing"`, so a
        /// load balancer's poller takes it out; `/health` stays 200.
        @Test func readinessReportsTheDatabaseGoneWhileLivenessStays() async throws {
            let admin = try await TestPostgres.connect(try TestPostgres.serverURL(), maximumConnections: 1)
            defer { admin.close() }
            let database = try await TestPostgres.freshDatabaseURL()
            try await SettlementCluster.with { cluster in
                let arguments = ["--port", "0"] + cluster.instanceArguments(database: database)
                try await Self.withSettlementd(arguments, stderr: cluster.dir + "/ready.stderr") { base in
                    let ready = try await cluster.plain.send(.GET, base + "/ready")
                    #expect(ready.status == 200, "\(ready.body)")
                    try await admin.execute(unsafeSQL: "DROP DATABASE \(database.database) WITH (FORCE)")
                    let unready = try await cluster.plain.send(.GET, base + "/ready")
                    #expect(unready.status == 503)
                    #expect(
                        unready.body
                            == #"{"checks":{"bank":"ok","database":"failing"},"status":"not-ready"}"#,
                        "\(unready.body)")
                    #expect(try await cluster.plain.send(.GET, base + "/health").status == 200)
                }
            }
        }

        @Test func theDatabasePasswordComesFromTheEnvironmentOrAFileAndIsNeverShown() async throws {
            // A role that must sign in with a password (scripts/postgres-cluster.sh: members of
            // pairpay_password_users use scram-sha-256 over TCP), owning a fresh database.
            let admin = try await TestPostgres.connect(try TestPostgres.serverURL(), maximumConnections: 1)
            defer { admin.close() }
            let role = "pp_pw_" + UUID().uuidString.prefix(8).lowercased()
            let password = "s3cret-" + UUID().uuidString
            try await admin.execute(
                unsafeSQL: """
                    DO $$ BEGIN
                        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pairpay_password_users') THEN
                            CREATE ROLE pairpay_password_users NOLOGIN;
                        END IF;
                    END $$
                    """)
            try await admin.execute(
                unsafeSQL: "CREATE ROLE \(role) LOGIN PASSWORD '\(password)' IN ROLE pairpay_password_users")
            // The role and its database go afterwards, whatever happens.
            var databaseName: String?
            var failure: (any Error)?
            do {
                let database = try await TestPostgres.freshDatabaseURL()
                databaseName = database.database
                try await admin.execute(unsafeSQL: "ALTER DATABASE \(database.database) OWNER TO \(role)")
                var url = database
                url.username = role
                url.password = nil

                try await SettlementCluster.with { cluster in
                    let common = ["--port", "0"] + cluster.instanceArguments(database: url)
                    func start(
                        _ extra: [String], environment: [String: String], log: String
                    ) async -> (started: Bool, stderr: String) {
                        let path = cluster.dir + "/\(log).stderr"
                        let launched = try? await BuiltExecutable.launch(
                            "settlementd", common + extra, marker: "listening on https://", stderr: path,
                            environment: environment)
                        if let (process, _) = launched {
                            process.terminate()
                            process.waitUntilExit()
                        }
                        return (launched != nil, (try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
                    }
                    // From the environment.
                    let fromEnvironment = await start(
                        [], environment: [PostgresURL.passwordVariable: password], log: "environment")
                    #expect(fromEnvironment.started, "\(fromEnvironment.stderr)")
                    // From a file of mode 0600.
                    let file = cluster.dir + "/database.password"
                    try (password + "\n").write(toFile: file, atomically: true, encoding: .utf8)
                    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
                    let fromFile = await start(
                        ["--database-password-file", file], environment: [:], log: "file")
                    #expect(fromFile.started, "\(fromFile.stderr)")
                    // A file others may read is refused before anything connects.
                    try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file)
                    let readable = await start(
                        ["--database-password-file", file], environment: [:], log: "readable")
                    #expect(!readable.started)
                    #expect(
                        readable.stderr.contains("0600") || readable.stderr.contains("mode"),
                        "\(readable.stderr)"
                    )
                    // A wrong password: settlementd stops and says why, without the password.
                    let wrong = await start(
                        [], environment: [PostgresURL.passwordVariable: "not-" + password], log: "wrong")
                    #expect(!wrong.started)
                    #expect(wrong.stderr.lowercased().contains("password"), "\(wrong.stderr)")
                    // The password on the command line is refused.
                    var inline = url
                    inline.password = password
                    let onCommandLine = await start(
                        ["--database", inline.description], environment: [:], log: "inline")
                    #expect(!onCommandLine.started)
                    for output in [fromEnvironment, fromFile, readable, wrong, onCommandLine].map(\.stderr) {
                        #expect(!output.contains(password), "the password was shown")
                    }
                }
            } catch { failure = error }
            if let databaseName {
                try? await admin.execute(unsafeSQL: "DROP DATABASE \(databaseName) WITH (FORCE)")
            }
            try? await admin.execute(unsafeSQL: "DROP ROLE \(role)")
            if let failure { throw failure }
        }
    }
}

/// Programs of the machine that the deployment tests drive.
enum Tool {
    /// The path of `name` on PATH or in one of `extra`.
    static func find(_ name: String, in extra: [String] = []) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":").map(String.init) + extra {
            let candidate = directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    static func temporaryDirectory(_ prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs a program to its end (at most 60 s) and returns its status and output (stdout and
    /// stderr together), waiting without holding a thread of the cooperative pool.
    static func run(_ path: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let output = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tool-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let handle = try FileHandle(forWritingTo: output)
        defer { try? handle.close() }
        process.standardOutput = handle
        process.standardError = handle
        let watchdog = Task.detached {
            try await Task.sleep(for: .seconds(60))
            if process.isRunning { process.terminate() }
        }
        defer { watchdog.cancel() }
        let status = try await withCheckedThrowingContinuation {
            (continuation: CheckedContinuation<Int32, any Error>) in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        return (status, (try? String(contentsOf: output, encoding: .utf8)) ?? "")
    }

    /// Waits (at most 20 s) until something accepts TCP connections on 127.0.0.1:`port`.
    static func waitForListener(port: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if BuiltExecutable.isListening(port: port) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw CancellationError()
    }
}
