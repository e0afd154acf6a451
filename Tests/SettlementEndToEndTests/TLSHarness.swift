import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import PairPayPKI
import ServiceLifecycle
import SettlementHTTP
import Synchronization

/// A PKI in a fresh temporary directory, made with PairPayPKI (no openssl).
struct TestPKI {
    let directory: PKIDirectory

    init() throws {
        let path = NSTemporaryDirectory() + "pairpay-e2e-\(UUID().uuidString)"
        directory = PKIDirectory(path: path)
        try directory.initialize()
    }

    var serverTLS: ServerTLS {
        ServerTLS(
            certificatePath: directory.serverCertificatePath, keyPath: directory.serverKeyPath,
            clientCAPath: directory.caCertificatePath)
    }

    /// A client TLS configuration trusting the PairPay CA, presenting `client`'s certificate if given.
    func clientTLS(client: String? = nil) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(directory.caCertificatePath))
        if let client {
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile(directory.clientCertificatePath(client))
                .map {
                    .certificate($0)
                }
            tls.privateKey = .privateKey(
                try NIOSSLPrivateKey(file: directory.clientKeyPath(client), format: .pem))
        }
        return tls
    }
}

/// Runs an application (or any services) until the body returns.
func withRunningServices<T: Sendable>(
    _ services: [any Service], _ body: @Sendable () async throws -> T
) async throws -> T {
    let group = ServiceGroup(
        configuration: .init(services: services, gracefulShutdownSignals: [], logger: Logger(label: "test")))
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        defer { tasks.cancelAll() }
        let result = try await body()
        tasks.cancelAll()
        return result
    }
}

/// Holds the port a server reports once it listens.
final class PortBox: Sendable {
    let port = Mutex<Int?>(nil)

    func set(_ value: Int) { port.withLock { $0 = value } }

    /// Waits up to 10 s for the port.
    func wait() async throws -> Int {
        for _ in 0..<200 {
            if let port = port.withLock({ $0 }) { return port }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestFailure("the server did not report a port within 10 s")
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension HTTPClient {
    /// A client with its own TLS configuration.
    static func make(tls: TLSConfiguration) -> HTTPClient {
        HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
    }

    /// Sends a request; returns status and body text.
    func send(
        _ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], body: String? = nil
    ) async throws -> (status: Int, body: String) {
        let answer = try await exchange(method, url, headers: headers, body: body)
        return (answer.status, answer.body)
    }

    /// Like ``send(_:_:headers:body:)``, with the response's headers.
    func exchange(
        _ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], body: String? = nil
    ) async throws -> (status: Int, headers: HTTPHeaders, body: String) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await execute(request, timeout: .seconds(15))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), response.headers, String(buffer: bytes))
    }
}
