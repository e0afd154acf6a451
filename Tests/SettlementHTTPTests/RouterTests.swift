import Foundation
import Hummingbird
import HummingbirdTesting
import PairPayCore
import Synchronization
import Testing

@testable import SettlementHTTP

@Suite("Settlement API router")
struct RouterTests {
    let api = FakeAPI()
    let credentials = FakeCredentials()
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func app(policy: AuthenticationPolicy = .init(), bodyLimit: Int = 4096) -> some ApplicationProtocol {
        let routes = SettlementRoutes(
            api: api, credentials: credentials, policy: policy, bodyLimit: bodyLimit, now: { [now] in now })
        return Application(router: routes.router())
    }

    func signedHeaders(
        method: String, path: String, body: String, keyID: String = "k1",
        key: [UInt8] = FakeCredentials.merchantKey,
        nonce: String = UUID().uuidString, timestamp: Int64? = nil, user: String? = nil
    ) -> HTTPFields {
        let time = timestamp ?? Int64(now.timeIntervalSince1970)
        var headers = HTTPFields()
        if let user {
            headers[RequestSignature.userIDField] = user
            headers[RequestSignature.keyIDField] = keyID == "k1" ? "u1" : keyID
        } else {
            headers[RequestSignature.keyIDField] = keyID
        }
        headers[RequestSignature.timestampField] = String(time)
        headers[RequestSignature.nonceField] = nonce
        headers[RequestSignature.signatureField] = RequestSignature.sign(
            key: key, method: method, path: path, timestamp: time, nonce: nonce, body: Array(body.utf8))
        headers[.contentType] = "application/json"
        return headers
    }

    static func error(_ response: TestResponse) throws -> (code: String, message: String) {
        let object =
            try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
        let error = try #require(object?["error"] as? [String: String])
        return (try #require(error["code"]), try #require(error["message"]))
    }

    @Test func healthAndOpenAPI() async throws {
        try await app().test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"status":"ok"}"#)
            }
            try await client.execute(uri: "/openapi.yaml", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).hasPrefix("openapi: 3.1.0"))
            }
        }
    }

    @Test func servedOpenAPIEqualsTheRepositoryFile() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("openapi/settlement.yaml")
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(
            text.trimmingCharacters(in: .newlines) == OpenAPIDocument.yaml.trimmingCharacters(in: .newlines),
            "openapi/settlement.yaml changed: paste it into Sources/SettlementHTTP/OpenAPI/OpenAPIDocument.swift"
        )
    }

    @Test func unknownRouteIsAJSONNotFound() async throws {
        try await app().test(.router) { client in
            try await client.execute(uri: "/v2/nothing", method: .get) { response in
                #expect(response.status == .notFound)
                #expect((try? Self.error(response))?.code == "not-found")
            }
        }
    }

    @Test func storeRequestWithoutCredentialsIsUnauthenticated() async throws {
        try await app().test(.router) { client in
            try await client.execute(
                uri: "/v1/orders", method: .post, body: ByteBuffer(string: Samples.firstBody)
            ) {
                response in
                #expect(response.status == .unauthorized)
                #expect((try? Self.error(response))?.code == "unauthenticated")
            }
        }
        #expect(api.calls.withLock { $0 }.isEmpty)
    }

    @Test func signedFirstRequestReachesTheEngineAsItsMerchant() async throws {
        let headers = signedHeaders(method: "POST", path: "/v1/orders", body: Samples.firstBody)
        try await app().test(.router) { client in
            try await client.execute(
                uri: "/v1/orders", method: .post, headers: headers,
                body: ByteBuffer(string: Samples.firstBody)
            ) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains(#""state":"awaiting-second""#))
            }
        }
        #expect(api.calls.withLock { $0 } == ["first shop-1 o-1"])
    }

    @Test func wrongSignatureWrongKeyStaleTimestampAndReplayAreRefused() async throws {
        let body = Samples.firstBody
        var tampered = signedHeaders(method: "POST", path: "/v1/orders", body: body)
        tampered[RequestSignature.signatureField] = String(repeating: "0", count: 64)
        let wrongKey = signedHeaders(
            method: "POST", path: "/v1/orders", body: body, key: [UInt8](repeating: 1, count: 32))
        let unknownKey = signedHeaders(method: "POST", path: "/v1/orders", body: body, keyID: "nope")
        let stale = signedHeaders(
            method: "POST", path: "/v1/orders", body: body, timestamp: Int64(now.timeIntervalSince1970) - 301)
        let once = signedHeaders(method: "POST", path: "/v1/orders", body: body)
        let refused = [tampered, wrongKey, unknownKey, stale]
        try await app().test(.router) { client in
            for headers in refused {
                try await client.execute(
                    uri: "/v1/orders", method: .post, headers: headers, body: ByteBuffer(string: body)
                ) {
                    #expect($0.status == .unauthorized)
                }
            }
            try await client.execute(
                uri: "/v1/orders", method: .post, headers: once, body: ByteBuffer(string: body)
            ) {
                #expect($0.status == .ok)
            }
            try await client.execute(
                uri: "/v1/orders", method: .post, headers: once, body: ByteBuffer(string: body)
            ) {
                #expect($0.status == .unauthorized)
                #expect((try? Self.error($0))?.message.contains("already used") == true)
            }
            // The same signature over a different body (amount changed) does not verify.
            let altered = body.replacingOccurrences(of: "1155", with: "1")
            try await client.execute(
                uri: "/v1/orders", method: .post, headers: once, body: ByteBuffer(string: altered)
            ) {
                #expect($0.status == .unauthorized)
            }
        }
        #expect(api.calls.withLock { $0 }.count == 1)
    }

    @Test(arguments: [
        ("not json", "not valid JSON"),
        (#"{"orderId":"o-1"}"#, "\"contents\" is missing"),
        (
            #"{"orderId":"o-1","contents":{"merchantId":"shop-1","orderId":"o-1","currency":"JPY","total":"x","lineItems":[]}}"#,
            "contents.total"
        ),
        ("", "empty"),
    ])
    func badBodiesAreInvalidRequests(body: String, expected: String) async throws {
        let headers = signedHeaders(method: "POST", path: "/v1/orders", body: body)
        try await app().test(.router) { client in
            try await client.execute(
                uri: "/v1/orders", method: .post, headers: headers, body: ByteBuffer(string: body)
            ) {
                response in
                #expect(response.status == .badRequest)
                let error = try? Self.error(response)
                #expect(error?.code == "invalid-request")
                #expect(error?.message.contains(expected) == true, "\(error?.message ?? "")")
            }
        }
        #expect(api.calls.withLock { $0 }.isEmpty)
    }

    @Test func wrongTotalIsRefusedBeforeTheEngine() async throws {
        let body = Samples.firstBody.replacingOccurrences(of: "\"total\":1155", with: "\"total\":1000")
        let headers = signedHeaders(method: "POST", path: "/v1/orders", body: body)
        try await app().test(.router) { client in
            try await client.execute(
                uri: "/v1/orders", method: .post, headers: headers, body: ByteBuffer(string: body)
            ) {
                #expect($0.status == .badRequest)
            }
        }
        #expect(api.calls.withLock { $0 }.isEmpty)
    }

    @Test func aStoreCannotSubmitAnotherMerchantsOrder() async throws {
        let headers = signedHeaders(method: "POST", path: "/v1/orders", body: Samples.firstBody, keyID: "k2")
        try await app().test(.router) { client in
            try await client.execute(
                uri: "/v1/orders", method: .post, headers: headers,
                body: ByteBuffer(string: Samples.firstBody)
            ) {
                #expect($0.status == .forbidden)
                #expect((try? Self.error($0))?.code == "forbidden")
            }
        }
    }

    @Test func bodyOverTheLimitIs413() async throws {
        let body = String(repeating: " ", count: 5000) + Samples.firstBody
        let headers = signedHeaders(method: "POST", path: "/v1/orders", body: body)
        try await app().test(.router) { client in
            try await client.execute(
                uri: "/v1/orders", method: .post, headers: headers, body: ByteBuffer(string: body)
            ) {
                #expect($0.status == .contentTooLarge)
                #expect((try? Self.error($0))?.code == "body-too-large")
            }
        }
    }

    @Test func engineErrorsKeepTheirStatusAndCode() async throws {
        let headers = signedHeaders(method: "GET", path: "/v1/orders/o-9", body: "")
        try await app().test(.router) { client in
            try await client.execute(uri: "/v1/orders/o-9", method: .get, headers: headers) {
                #expect($0.status == .notFound)
                #expect((try? Self.error($0))?.code == "not-found")
            }
        }
    }

    @Test func phoneWithPasswordThenLockOut() async throws {
        @Sendable func basic(_ user: String, _ password: String) -> HTTPFields {
            [.authorization: "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()]
        }
        let body = ByteBuffer(string: Samples.secondBody)
        try await app().test(.router) { client in
            try await client.execute(
                uri: "/v1/orders/o-1/payment", method: .post, headers: basic("alice", "correct horse"),
                body: body
            ) {
                #expect($0.status == .accepted)
                #expect(String(buffer: $0.body).contains("awaiting-first"))
                #expect(!String(buffer: $0.body).contains("4111"))
            }
            for _ in 0..<5 {
                try await client.execute(
                    uri: "/v1/orders/o-1/payment", method: .post, headers: basic("alice", "wrong"), body: body
                ) { #expect($0.status == .unauthorized) }
            }
            try await client.execute(
                uri: "/v1/orders/o-1/payment", method: .post, headers: basic("alice", "correct horse"),
                body: body
            ) {
                #expect($0.status.code == 423)
                #expect((try? Self.error($0))?.code == "locked")
            }
        }
        #expect(api.calls.withLock { $0 } == ["second alice o-1"])
    }

    @Test func phoneWithUserSignatureAndPathMismatch() async throws {
        let headers = signedHeaders(
            method: "POST", path: "/v1/orders/o-1/payment", body: Samples.secondBody,
            key: FakeCredentials.userKey,
            user: "alice")
        let other = signedHeaders(
            method: "POST", path: "/v1/orders/o-2/payment", body: Samples.secondBody,
            key: FakeCredentials.userKey,
            user: "alice")
        let storeKey = signedHeaders(method: "POST", path: "/v1/orders/o-1/payment", body: Samples.secondBody)
        let otherUser = signedHeaders(
            method: "POST", path: "/v1/orders/o-1/payment", body: Samples.secondBody,
            key: FakeCredentials.userKey, user: "bob")
        try await app().test(.router) { client in
            try await client.execute(
                uri: "/v1/orders/o-1/payment", method: .post, headers: headers,
                body: ByteBuffer(string: Samples.secondBody)
            ) { #expect($0.status == .accepted) }
            try await client.execute(
                uri: "/v1/orders/o-2/payment", method: .post, headers: other,
                body: ByteBuffer(string: Samples.secondBody)
            ) { #expect($0.status == .badRequest) }
            // A store's key does not authenticate a user.
            try await client.execute(
                uri: "/v1/orders/o-1/payment", method: .post, headers: storeKey,
                body: ByteBuffer(string: Samples.secondBody)
            ) { #expect($0.status == .unauthorized) }
            // Alice's key id claimed by another user is refused.
            try await client.execute(
                uri: "/v1/orders/o-1/payment", method: .post, headers: otherUser,
                body: ByteBuffer(string: Samples.secondBody)
            ) { #expect($0.status == .unauthorized) }
        }
    }

    @Test func certificateOnlyPolicyRefusesSignedStoreRequests() async throws {
        let headers = signedHeaders(method: "POST", path: "/v1/orders", body: Samples.firstBody)
        try await app(policy: .init(store: [.clientCertificate])).test(.router) { client in
            try await client.execute(
                uri: "/v1/orders", method: .post, headers: headers,
                body: ByteBuffer(string: Samples.firstBody)
            ) {
                #expect($0.status == .unauthorized)
                #expect((try? Self.error($0))?.message.contains("client certificate") == true)
            }
        }
    }

    @Test func metricsCountRequestsByRouteTemplate() async throws {
        try await app().test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { _ in }
            try await client.execute(uri: "/v1/orders/o-1", method: .get) { _ in }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains(#"pairpay_http_requests_total{route="/health",status="200"} 1"#))
                #expect(
                    text.contains(#"route="/v1/orders/{orderId}",status="401"} 1"#)
                        || text.contains(#"status="401"} 1"#))
                #expect(text.contains("# TYPE pairpay_authentication_refusals_total counter"))
                #expect(text.contains("# TYPE pairpay_http_request_duration_seconds histogram"))
                #expect(text.contains(#"pairpay_http_request_duration_seconds_count{route="/health"} 1"#))
                #expect(
                    text.contains(
                        #"pairpay_http_request_duration_seconds_bucket{route="/health",le="+Inf"} 1"#))
                #expect(!text.contains("o-1"))
            }
        }
    }

    @Test func readinessNamesTheFailingCheckAndLivenessStaysUp() async throws {
        let bankUp = Mutex(false)
        let routes = SettlementRoutes(
            api: api, credentials: credentials,
            readiness: [
                ClosureReadinessCheck(name: "database") { true },
                ClosureReadinessCheck(name: "bank") { bankUp.withLock { $0 } },
                ClosureReadinessCheck(name: "slow") {
                    try? await Task.sleep(for: .seconds(30))
                    return true
                },
            ], now: { [now] in now })
        try await Application(router: routes.router()).test(.router) { client in
            try await client.execute(uri: "/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let body =
                    try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect(body?["status"] as? String == "not-ready")
                #expect(
                    body?["checks"] as? [String: String] == [
                        "database": "ok", "bank": "failing", "slow": "failing",
                    ])
            }
            try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
        }
        bankUp.withLock { $0 = true }
        let ready = SettlementRoutes(
            api: api, credentials: credentials,
            readiness: [
                ClosureReadinessCheck(name: "database") { true },
                ClosureReadinessCheck(name: "bank") { bankUp.withLock { $0 } },
            ], now: { [now] in now })
        try await Application(router: ready.router()).test(.router) { client in
            try await client.execute(uri: "/ready", method: .get) { response in
                #expect(response.status == .ok)
                #expect(
                    String(buffer: response.body)
                        == #"{"checks":{"bank":"ok","database":"ok"},"status":"ready"}"#)
            }
        }
    }
}
