import Foundation
import PairPayCore
import PhoneAgent
import Testing

/// Every non-result answer becomes a typed error with a sentence saying what to do.
@Suite("PhoneAgent: errors")
struct ErrorMappingTests {
    func failure(
        _ answer: MemoryTransport.Answer,
        authentication: UserAuthentication = .requestMAC(
            userID: "alice", keyID: "mk_alice", key: AgentFixture.macKey)
    ) async throws -> PhoneAgentError {
        let fixture = try AgentFixture([answer], authentication: authentication)
        let card = try AgentFixture.card
        let outcome: PaymentOutcome
        do { outcome = try await fixture.agent.pay(fixture.payload, with: card) } catch { return error }
        throw TestFailure("expected an error, got \(outcome)")
    }

    @Test func wrongKeyIsAnAuthenticationErrorNamingTheMacOptions() async throws {
        let error = try await failure(
            .respond(
                401,
                AgentFixture.error("unauthenticated", "The key id, the user id or the signature is wrong.")))
        #expect(
            error
                == .notAuthenticated(
                    method: "mac", message: "The key id, the user id or the signature is wrong."))
        #expect(error.description.contains("--mac-key-file"))
        let password = try await failure(
            .respond(401, AgentFixture.error("unauthenticated", "The user id or the password is wrong.")),
            authentication: .password(userID: "bob", password: "nope"))
        #expect(password.description.contains("--password-file"))
        #expect(!password.description.contains("nope"))
    }

    @Test func lockedUserGetsTheTimeToWaitFor() async throws {
        let message =
            "Too many wrong passwords: this user is locked until 1800000900 (unix seconds). Try again later or use another sign-in method."
        let error = try await failure(.respond(423, AgentFixture.error("locked", message)))
        #expect(error == .locked(until: 1_800_000_900, message: message))
        #expect(error.description.contains("locked until 1800000900"))
    }

    @Test func refusalsCarryTheServersSentence() async throws {
        let conflict = try await failure(
            .respond(409, AgentFixture.error("conflict", "order 'x' already has a different payment request"))
        )
        #expect(
            conflict
                == .refused(
                    status: 409, code: "conflict",
                    message: "order 'x' already has a different payment request"))
        #expect(conflict.description.contains("already has a different payment request"))
        let invalid = try await failure(.respond(400, "not json"))
        #expect(invalid == .refused(status: 400, code: "unknown", message: "no error message (8 bytes)"))
        let expired = try await failure(.respond(410, AgentFixture.error("expired", "order expired")))
        #expect(expired == .orderExpired(message: "order expired"))
        #expect(expired.meansExpired)
        let failed = try await failure(.respond(503, AgentFixture.error("internal", "try later")))
        #expect(failed == .serverFailed(status: 503, message: "try later"))
        #expect(!failed.meansExpired)
        let garbage = try await failure(.respond(200, #"{"result":1}"#))
        #expect(
            garbage == .unexpectedResponse(status: 200, detail: "the body is not a signed settlement result"))
        let unreachable = try await failure(.fail(ConnectionRefused()))
        #expect(unreachable == .unreachable(url: AgentFixture.server, detail: "connection refused"))
        #expect(unreachable.description.contains("--ca"))
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
