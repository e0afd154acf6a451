import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import PhoneAgent

/// The phone's HTTP for the benchmarks: the benchmark cluster's AsyncHTTPClient (PairPay CA
/// trusted), so a payment costs no process start-up, unlike `payagent`.
struct PhoneTransport: PhoneHTTPTransport {
    let client: HTTPClient

    func send(_ request: PhoneHTTPRequest) async throws -> PhoneHTTPResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for header in request.headers { outgoing.headers.add(name: header.name, value: header.value) }
        if !request.body.isEmpty { outgoing.body = .bytes(ByteBuffer(bytes: request.body)) }
        let response = try await client.execute(outgoing, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        return PhoneHTTPResponse(status: Int(response.status.code), body: Array(buffer: body))
    }
}
