/// How the phone agent reaches the network: one HTTP request in, one response out.
///
/// The agent builds every header itself (request signature, `Authorization: Basic`, content
/// type). An implementation only moves bytes: on a phone it is the platform's HTTP stack; in
/// `payagent` it is AsyncHTTPClient with the PairPay CA as the only trust root and, for
/// `--auth mtls`, the user's client certificate (the agent then adds no authentication header).
///
/// Throw for anything that is not an HTTP response (refused connection, TLS failure, timeout);
/// every HTTP status, 4xx and 5xx included, is a response.
public protocol PhoneHTTPTransport: Sendable {
    /// Sends `request` and returns the server's status and body.
    func send(_ request: PhoneHTTPRequest) async throws -> PhoneHTTPResponse
}
