import Foundation
import PairPayCore

/// Decodes arbitrary bytes as what reaches the settlement server or a store from outside: the
/// first request (JSON), the second request (JSON, with card data) and relayed result text.
/// Whatever decodes must encode and decode to the same value; a second request's description
/// must never hold the whole card number.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSettlementRequest(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let selector = bytes.first else { return 0 }
    let body = Data(bytes.dropFirst())
    switch selector % 3 {
    case 0:
        guard let request = try? SettlementJSON.decode(FirstSettlementRequest.self, from: body) else { return 0 }
        let again = try? SettlementJSON.decode(
            FirstSettlementRequest.self, from: try! JSONEncoder().encode(request))
        precondition(again == request, "first request changed in a round trip")
    case 1:
        guard let request = try? SettlementJSON.decode(SecondSettlementRequest.self, from: body) else { return 0 }
        let again = try? SettlementJSON.decode(
            SecondSettlementRequest.self, from: try! JSONEncoder().encode(request))
        precondition(again == request, "second request changed in a round trip")
        if case .card(let card) = request.payment {
            let digits = card.primaryAccountNumber.digits
            precondition(!request.description.contains(digits), "a description shows the card number")
        }
    default:
        guard let text = String(data: body, encoding: .utf8),
            let signed = try? SignedSettlementResult(relayText: text)
        else { return 0 }
        let again = try? SignedSettlementResult(relayText: try signed.relayText())
        precondition(again == signed, "relayed result changed in a round trip")
    }
    return 0
}
