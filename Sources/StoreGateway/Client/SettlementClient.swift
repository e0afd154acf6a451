import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import PairPayCore
import Register

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#endif

/// registerd's HTTPS client of settlementd: trusts only the configured CA, authenticates the
/// store by mutual TLS or request MAC (a fresh nonce for every attempt), and retries transport
/// failures and 5xx answers with back-off (only for requests that are safe to repeat, which all
/// of the store's are: identical repeats get the same answer).
///
/// Each request is an ``HTTPSExchange`` on a connection of its own (HTTP/1.1, `Connection:
/// close`): a sale makes a handful of requests, and a fresh connection says exactly whether a
/// failed request may have reached the server, which a pooled one that the server closed while
/// idle cannot.
final class SettlementClient: Sendable {
    /// An answer from settlementd.
    struct Reply: Sendable {
        let status: Int
        let body: [UInt8]

        var isSuccess: Bool { (200..<300).contains(status) }
    }

    let exchange: HTTPSExchange
    let configuration: StoreGatewayConfiguration
    let logger: Logger

    /// - Throws: ``StoreGatewayConfigurationError`` when a TLS file cannot be used.
    init(configuration: StoreGatewayConfiguration, logger: Logger) throws(StoreGatewayConfigurationError) {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        do {
            let roots = try NIOSSLCertificate.fromPEMFile(configuration.settlementCAPath)
            guard !roots.isEmpty else {
                throw StoreGatewayConfigurationError.invalid(option: "settlement-ca", reason: "")
            }
            tls.trustRoots = .certificates(roots)
        } catch {
            throw .unreadable(
                option: "settlement-ca", path: configuration.settlementCAPath,
                reason:
                    "must be a PEM file with the CA certificate settlementd's certificate chains to (ca.pem of 'pairpay pki init')"
            )
        }
        if case .mutualTLS(let certificatePath, let keyPath) = configuration.authentication {
            do {
                tls.certificateChain = try NIOSSLCertificate.fromPEMFile(certificatePath).map {
                    .certificate($0)
                }
            } catch {
                throw .unreadable(
                    option: "client-cert", path: certificatePath, reason: "must be a PEM certificate")
            }
            guard !tls.certificateChain.isEmpty else {
                throw .unreadable(
                    option: "client-cert", path: certificatePath, reason: "holds no certificate")
            }
            try SecretFile.checkPrivate(keyPath, option: "client-key")
            do {
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyPath, format: .pem))
            } catch {
                throw .unreadable(option: "client-key", path: keyPath, reason: "must be a PEM private key")
            }
        }
        guard let (host, port) = Self.hostAndPort(of: configuration.settlementURL) else {
            throw .invalid(
                option: "settlement-url",
                reason: "'\(configuration.settlementURL)' must be https://HOST:PORT of settlementd")
        }
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: tls)
        } catch {
            throw .invalid(option: "client-key", reason: "does not fit client-cert (\(error))")
        }
        exchange = HTTPSExchange(
            host: host, port: port, tls: context, group: MultiThreadedEventLoopGroup.singleton,
            connectTimeout: .seconds(5), answerTimeout: TimeAmount(configuration.requestTimeout),
            maximumBody: 256 * 1024)
        self.configuration = configuration
        self.logger = logger
    }

    /// Nothing to release: every exchange closes its own connection.
    func shutdown() async {}

    /// The host (without an IPv6 address's brackets) and port of `https://HOST[:PORT]`.
    static func hostAndPort(of url: String) -> (String, Int)? {
        guard let components = URLComponents(string: url), components.scheme == "https",
            var host = components.host, !host.isEmpty
        else { return nil }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let port = components.port ?? 443
        guard (1...65535).contains(port) else { return nil }
        return (host, port)
    }

    /// Sends once; a failure before the request went out is ``SettlementGatewayError/unreachable(_:)``,
    /// one after it (the server may have acted) ``SettlementGatewayError/noAnswer(_:)``.
    func send(
        _ method: HTTPMethod, _ path: String, body: [UInt8] = []
    ) async throws(SettlementGatewayError) -> Reply {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: Self.hostHeader(configuration.settlementURL))
        headers.add(name: "User-Agent", value: "PairPay-registerd")
        headers.add(name: "Connection", value: "close")
        if !body.isEmpty || method == .POST {
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Content-Length", value: String(body.count))
        }
        if case .mac(let keyID, let key) = configuration.authentication {
            let timestamp = Int64(Date().timeIntervalSince1970)
            let nonce = Self.nonce()
            headers.add(name: RequestMAC.keyIDHeader, value: keyID)
            headers.add(name: RequestMAC.timestampHeader, value: String(timestamp))
            headers.add(name: RequestMAC.nonceHeader, value: nonce)
            headers.add(
                name: RequestMAC.signatureHeader,
                value: RequestMAC.signature(
                    key: key, method: method.rawValue, path: path, timestamp: timestamp, nonce: nonce,
                    body: body))
        }
        let head = HTTPRequestHead(version: .http1_1, method: method, uri: path, headers: headers)
        do {
            let response = try await exchange.perform(head, body: body)
            return Reply(status: response.status, body: response.body)
        } catch {
            let detail =
                "\(configuration.settlementURL) did not answer (\(error)); check that settlementd runs and the network"
            throw error.mayHaveArrived ? .noAnswer(detail) : .unreachable(detail)
        }
    }

    /// The Host header of `https://HOST[:PORT]`: the URL's authority.
    static func hostHeader(_ url: String) -> String {
        let authority = url.dropFirst("https://".count)
        return String(authority.prefix { $0 != "/" })
    }

    /// Sends, retrying transport failures and 5xx answers up to `requestRetries` times with back-off.
    func sendRetrying(
        _ method: HTTPMethod, _ path: String, body: [UInt8] = []
    ) async throws(SettlementGatewayError) -> Reply {
        var delay = configuration.retryBase
        var attempt = 0
        // Once one attempt may have reached the server, a later one that did not cannot say
        // that nothing happened.
        var mayHaveArrived = false
        while true {
            attempt += 1
            do {
                let reply = try await send(method, path, body: body)
                guard reply.status >= 500, attempt <= configuration.requestRetries else { return reply }
                mayHaveArrived = true
                logger.notice(
                    "\(method.rawValue) \(path): settlementd answered \(reply.status); retrying in \(delay)")
            } catch {
                if case .noAnswer = error { mayHaveArrived = true }
                guard attempt <= configuration.requestRetries, !Task.isCancelled else {
                    if mayHaveArrived, case .unreachable(let detail) = error { throw .noAnswer(detail) }
                    throw error
                }
                logger.notice("\(method.rawValue) \(path): \(error); retrying in \(delay)")
            }
            do { try await Task.sleep(for: delay) } catch {
                throw mayHaveArrived
                    ? .noAnswer("cancelled while retrying") : .unreachable("cancelled while retrying")
            }
            delay = delay * 2
        }
    }

    /// A random nonce: 32 lowercase hex digits.
    static func nonce() -> String {
        var generator = SystemRandomNumberGenerator()
        return Hex.encode((0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }
}
