import DaemonSupport
import Foundation
import Logging
import NIOCore
import Testing

/// ``HTTPListener`` over real TCP on loopback, spoken to with raw sockets so that every byte of
/// the answer is seen: routes, 404 and 405, the body limit, the request deadline, and the end of
/// serving when its task is cancelled.
@Suite("HTTPListener: a small HTTP/1.1 server for the daemons' side doors")
struct HTTPListenerTests {
    static let echo = HTTPRoute(.POST, "/v1/echo") { request in
        guard !request.isBodyTooLarge else {
            return HTTPListenerResponse(status: .payloadTooLarge, contentType: "text/plain", text: "too long")
        }
        return HTTPListenerResponse(
            status: .ok, contentType: "text/plain",
            text: "\(request.mediaType ?? "-") " + String(decoding: request.body, as: UTF8.self))
    }

    /// Runs a listener with the echo route for `body`, then stops it.
    static func withListener(
        maximumBody: Int = 16, requestTimeout: TimeAmount = .seconds(30),
        _ body: (Int) async throws -> Void
    ) async throws {
        let listener = HTTPListener(
            configuration: .init(
                host: "127.0.0.1", port: 0, maximumBody: maximumBody, requestTimeout: requestTimeout,
                serverName: "test-listener"),
            routes: [echo], logger: Logger(label: "test"))
        let (bound, continuation) = AsyncStream.makeStream(of: Int.self)
        let task = Task {
            try await listener.run { port in
                continuation.yield(port)
                continuation.finish()
            }
        }
        var port: Int?
        for await chosen in bound {
            port = chosen
            break
        }
        let bodyError: (any Error)?
        do {
            try await body(try #require(port))
            bodyError = nil
        } catch {
            bodyError = error
        }
        task.cancel()
        _ = await task.result
        if let bodyError { throw bodyError }
    }

    @Test func aRouteAnswersWithLengthAndClose() async throws {
        try await Self.withListener { port in
            let answer = try await RawHTTP.exchange(
                port,
                "POST /v1/echo?x=1 HTTP/1.1\r\nHost: a\r\nContent-Type: Text/Plain; charset=utf-8\r\n"
                    + "Content-Length: 5\r\n\r\nhello")
            #expect(answer.hasPrefix("HTTP/1.1 200 OK\r\n"))
            let lower = answer.lowercased()
            #expect(lower.contains("content-length: 16\r\n"))
            #expect(lower.contains("connection: close\r\n"))
            #expect(lower.contains("server: test-listener\r\n"))
            #expect(answer.hasSuffix("\r\n\r\ntext/plain hello"))
        }
    }

    @Test func anotherPathIs404AndAnotherMethod405WithAllow() async throws {
        try await Self.withListener { port in
            let missing = try await RawHTTP.exchange(port, "GET /v1/other HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(missing.hasPrefix("HTTP/1.1 404 Not Found\r\n"))
            #expect(missing.hasSuffix(#"{"error":"no such path"}"#))
            let wrong = try await RawHTTP.exchange(port, "GET /v1/echo HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(wrong.hasPrefix("HTTP/1.1 405 Method Not Allowed\r\n"))
            #expect(wrong.lowercased().contains("allow: post\r\n"))
        }
    }

    /// A body over the limit is answered by the route (its own 413) without waiting for the rest.
    @Test func aBodyOverTheLimitIsTheRoutesToRefuse() async throws {
        try await Self.withListener(maximumBody: 16) { port in
            // Announces 1 MB and sends 40 bytes of it: the answer comes anyway.
            let answer = try await RawHTTP.exchange(
                port,
                "POST /v1/echo HTTP/1.1\r\nHost: a\r\nContent-Length: 1000000\r\n\r\n"
                    + String(repeating: "x", count: 40))
            #expect(answer.hasPrefix("HTTP/1.1 413 Payload Too Large\r\n"))
            #expect(answer.hasSuffix("too long"))
        }
    }

    /// A client that sends half a request and goes quiet is closed at the request deadline.
    @Test func aQuietClientIsClosedAtTheDeadline() async throws {
        try await Self.withListener(requestTimeout: .milliseconds(300)) { port in
            // Closed without an answer (were it not, the read would time out after 15 s and throw).
            let answer = try await RawHTTP.exchange(port, "POST /v1/echo HTTP/1.1\r\nHost: a\r\n")
            #expect(answer.isEmpty)
        }
    }

    /// A malformed request gets 400 from NIO's error handling, not a hang.
    @Test func aMalformedRequestIs400() async throws {
        try await Self.withListener { port in
            let answer = try await RawHTTP.exchange(port, "NOT HTTP AT ALL\r\n\r\n")
            #expect(answer.hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
        }
    }

    /// Cancelled, it stops listening: a new connection is refused.
    @Test func cancelledItStopsListening() async throws {
        var boundPort = 0
        try await Self.withListener { port in boundPort = port }
        await #expect(throws: RawHTTP.Failure.self) {
            _ = try await RawHTTP.exchange(boundPort, "GET /v1/echo HTTP/1.1\r\nHost: a\r\n\r\n")
        }
    }
}

/// One request over a plain socket, and everything the server wrote until it closed.
enum RawHTTP {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func exchange(_ port: Int, _ request: String) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            // A thread of its own: the reads block.
            Thread {
                continuation.resume(with: Result { try blockingExchange(port, request) })
            }.start()
        }
    }

    static func blockingExchange(_ port: Int, _ request: String) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(errno)") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 15, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw Failure(description: "connect: \(errno)") }
        let bytes = Array(request.utf8)
        guard send(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count else {
            throw Failure(description: "send: \(errno)")
        }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count > 0 {
                answer += buffer[0..<count]
            } else if count == 0 || errno == ECONNRESET {
                break
            } else {
                throw Failure(description: "recv: \(errno)")
            }
        }
        return String(decoding: answer, as: UTF8.self)
    }
}
