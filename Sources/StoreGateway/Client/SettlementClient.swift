import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import PairPayCore
import Register

/// registerd's HTTPS client of settlementd: trusts only the configured CA, authenticates the
/// store by mutual TLS or request MAC (a fresh nonce for every attempt), and retries transport
/// failures and 5xx answers with back-off (only for requests that are safe to repeat, which all
/// of the store's are: identical repeats get the same answer).
final class SettlementClient: Sendable {
    /// An answer from settlementd.
    struct Reply: Sendable {
        let status: Int
        let body: [UInt8]

        var isSuccess: Bool { (200..<300).contains(status) }
    }

    let http: HTTPClient
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
        http = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(
                tlsConfiguration: tls, redirectConfiguration: .disallow,
                timeout: .init(
                    connect: .seconds(5),
                    read: .seconds(Int64(configuration.requestTimeout.components.seconds)))))
        self.configuration = configuration
        self.logger = logger
    }

    func shutdown() async {
        try? await http.shutdown()
    }

    /// Sends once; a failure before the request went out is ``SettlementGatewayError/unreachable(_:)``,
    /// one after it (the server may have acted) ``SettlementGatewayError/noAnswer(_:)``.
    func send(
        _ method: HTTPMethod, _ path: String, body: [UInt8] = []
    ) async throws(SettlementGatewayError) -> Reply {
        var request = HTTPClientRequest(url: configuration.settlementURL + path)
        request.method = method
        request.headers.add(name: "User-Agent", value: "PairPay-registerd")
        if !body.isEmpty {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        if case .mac(let keyID, let key) = configuration.authentication {
            let timestamp = Int64(Date().timeIntervalSince1970)
            let nonce = Self.nonce()
            request.headers.add(name: RequestMAC.keyIDHeader, value: keyID)
            request.headers.add(name: RequestMAC.timestampHeader, value: String(timestamp))
            request.headers.add(name: RequestMAC.nonceHeader, value: nonce)
            request.headers.add(
                name: RequestMAC.signatureHeader,
                value: RequestMAC.signature(
                    key: key, method: method.rawValue, path: path, timestamp: timestamp, nonce: nonce,
                    body: body))
        }
        do {
            let timeout = TimeAmount.seconds(Int64(configuration.requestTimeout.components.seconds))
            let response = try await http.execute(request, timeout: timeout)
            let bytes = try await response.body.collect(upTo: 256 * 1024)
            return Reply(status: Int(response.status.code), body: Array(bytes.readableBytesView))
        } catch {
            let detail =
                "\(configuration.settlementURL) did not answer (\(Self.describe(error))); check that settlementd runs and the network"
            throw Self.wasNotSent(error) ? .unreachable(detail) : .noAnswer(detail)
        }
    }

    /// Whether `error` certainly came before the request was sent: no connection (refused,
    /// no route, connect timeout) or a TLS handshake that failed. Anything else — a timeout
    /// waiting for the answer, a connection lost mid-way — leaves the server's part unknown.
    static func wasNotSent(_ error: any Error) -> Bool {
        switch error {
        case let error as HTTPClientError:
            return error == .connectTimeout || error == .getConnectionFromPoolTimeout
                || error == .alreadyShutdown
        case is NIOConnectionError:
            return true
        case let error as ChannelError:
            if case .connectTimeout = error { return true }
            return false
        case let error as IOError:
            return [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH, EADDRNOTAVAIL].contains(error.errnoCode)
        case let error as NIOSSLError:
            if case .handshakeFailed = error { return true }
            return false
        case is NIOSSLExtraError:
            return true  // the certificate did not verify: the handshake stopped
        default:
            return false
        }
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

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError { return "\(error)" }
        return String(describing: error)
    }
}
