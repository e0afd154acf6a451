import Foundation
import PairPayCore
import Testing

@testable import SettlementHTTP

@Suite("Push signature and back-off")
struct PushTests {
    @Test func signatureVerifiesAndDetectsTampering() {
        let secret = [UInt8](repeating: 3, count: 32)
        let body = Array(#"{"result":{"total":1155}}"#.utf8)
        let header = PushSignature.header(secret: secret, timestamp: 1_800_000_000, body: body)
        #expect(header.hasPrefix("t=1800000000,v1="))
        #expect(PushSignature.verify(header: header, secret: secret, body: body) == 1_800_000_000)
        #expect(
            PushSignature.verify(header: header, secret: secret, body: Array(#"{"result":{"total":1}}"#.utf8))
                == nil)
        #expect(
            PushSignature.verify(header: header, secret: [UInt8](repeating: 4, count: 32), body: body) == nil)
        let retimed = header.replacingOccurrences(of: "t=1800000000", with: "t=1800000001")
        #expect(PushSignature.verify(header: retimed, secret: secret, body: body) == nil)
    }

    @Test func backoffDoublesUpToTheCap() {
        let delays = (1...6).map {
            PushSender.backoff(afterFailures: $0, base: .seconds(2), cap: .seconds(20))
        }
        #expect(delays == [.seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(20), .seconds(20)])
    }
}
