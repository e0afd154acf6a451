import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOSSL
import PhoneAgent

/// The phone agent's HTTP over AsyncHTTPClient: TLS trusting only the given CA (the PairPay
/// CA), and for `--auth mtls` presenting the user's client certificate.
final class AsyncHTTPClientTransport: PhoneHTTPTransport {
    let client: HTTPClient
    let timeout: TimeAmount

    /// - Throws: NIOSSL's error when a PEM file cannot be read.
    init(
        caPath: String, clientCertificatePath: String? = nil, clientKeyPath: String? = nil,
        timeout: TimeAmount = .seconds(15)
    ) throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caPath))
        if let clientCertificatePath, let clientKeyPath {
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile(clientCertificatePath).map {
                .certificate($0)
            }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: clientKeyPath, format: .pem))
        }
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        self.timeout = timeout
    }

    func send(_ request: PhoneHTTPRequest) async throws -> PhoneHTTPResponse {
        var http = HTTPClientRequest(url: request.url)
        http.method = HTTPMethod(rawValue: request.method)
        for header in request.headers { http.headers.add(name: header.name, value: header.value) }
        if !request.body.isEmpty { http.body = .bytes(ByteBuffer(bytes: request.body)) }
        let response = try await client.execute(http, timeout: timeout)
        let body = try await response.body.collect(upTo: 1 << 20)
        return PhoneHTTPResponse(status: Int(response.status.code), body: Array(buffer: body))
    }

    /// Closes the connections; call once, after the last request.
    func shutdown() async {
        try? await client.shutdown()
    }
}
