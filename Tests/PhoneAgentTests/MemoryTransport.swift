import Foundation
import PhoneAgent
import Synchronization

/// The in-memory transport double: records every request and answers from a script. Only the
/// code around the transport is tested with it; payagent's real HTTP is tested end to end.
final class MemoryTransport: PhoneHTTPTransport {
    enum Answer {
        case respond(Int, String)
        case fail(any Error & Sendable)
    }

    private let state: Mutex<(script: [Answer], requests: [PhoneHTTPRequest])>

    init(_ script: [Answer]) { state = Mutex((script, [])) }

    var requests: [PhoneHTTPRequest] { state.withLock { $0.requests } }

    /// Adds answers to the end of the script.
    func enqueue(_ answers: [Answer]) { state.withLock { $0.script += answers } }

    func send(_ request: PhoneHTTPRequest) async throws -> PhoneHTTPResponse {
        let answer = state.withLock { state -> Answer? in
            state.requests.append(request)
            return state.script.isEmpty ? nil : state.script.removeFirst()
        }
        switch answer {
        case .respond(let status, let body)?: return PhoneHTTPResponse(status: status, body: Array(body.utf8))
        case .fail(let error)?: throw error
        case nil: throw ScriptExhausted()
        }
    }
}

struct ScriptExhausted: Error {}

struct ConnectionRefused: Error, CustomStringConvertible {
    var description: String { "connection refused" }
}
