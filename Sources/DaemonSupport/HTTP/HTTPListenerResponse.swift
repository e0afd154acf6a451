import NIOHTTP1

/// What an ``HTTPListener`` route answers: status, headers and the whole body.
/// `Content-Length` and `Connection: close` are added when it is written.
public struct HTTPListenerResponse: Sendable {
    public var status: HTTPResponseStatus
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: HTTPResponseStatus, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A body of text with its media type.
    public init(status: HTTPResponseStatus, contentType: String, text: String) {
        self.init(status: status, headers: ["Content-Type": contentType], body: Array(text.utf8))
    }
}
