import Crypto
import PairPayCore
import Register

/// The checks every result goes through before registerd believes it, whichever path it came
/// by: the server's Ed25519 signature, our merchant id, this order's id, and for an approval
/// also the order's currency and total (declines from a mismatch carry total 0, so totals of
/// other results are not compared).
public struct ResultCheck: Sendable {
    let verifier: ResultVerifier
    let merchantID: String

    /// - Parameter serverPublicKey: the raw 32-byte Ed25519 key (`server-public-key`).
    /// - Throws: ``StoreGatewayConfigurationError`` when it is not an Ed25519 public key.
    public init(serverPublicKey: [UInt8], merchantID: String) throws(StoreGatewayConfigurationError) {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: serverPublicKey) else {
            throw .invalid(option: "server-public-key", reason: "is not an Ed25519 public key (32 bytes)")
        }
        verifier = ResultVerifier(publicKey: key)
        self.merchantID = merchantID
    }

    /// The verified result, when it is the server's and about `order`.
    /// - Throws: ``ResultRejection`` saying what is wrong with it.
    public func check(
        _ signed: SignedSettlementResult, for order: StoreOrder
    ) throws(ResultRejection)
        -> SettlementResult
    {
        let result = try verify(signed)
        try match(result, to: order)
        return result
    }

    /// Checks only the signature and the merchant (for results of orders not known here).
    /// - Throws: ``ResultRejection``.
    public func verify(_ signed: SignedSettlementResult) throws(ResultRejection) -> SettlementResult {
        let result: SettlementResult
        do { result = try verifier.verify(signed) } catch { throw .signature(error) }
        guard result.merchantID == merchantID else {
            throw .otherMerchant(result.merchantID)
        }
        return result
    }

    /// Checks that a verified result is about `order`.
    /// - Throws: ``ResultRejection``.
    public func match(_ result: SettlementResult, to order: StoreOrder) throws(ResultRejection) {
        guard result.orderID == order.orderID else {
            throw .otherOrder(result.orderID, expected: order.orderID)
        }
        if result.status == .approved {
            guard result.total == order.total else {
                throw .otherAmount(result.total, expected: order.total)
            }
        }
    }
}

extension ResultCheck {
    /// The verified refund result, when it is the server's, ours, and the refund asked for.
    /// - Throws: ``ResultRejection``.
    public func check(
        _ signed: SignedRefundResult, orderID: String, refundID: String, amount: Money
    ) throws(ResultRejection) -> RefundResult {
        let refund: RefundResult
        do { refund = try verifier.verify(signed) } catch { throw .signature(error) }
        guard refund.merchantID == merchantID else { throw .otherMerchant(refund.merchantID) }
        guard refund.orderID == orderID else { throw .otherOrder(refund.orderID, expected: orderID) }
        guard refund.refundID == refundID else { throw .otherOrder(refund.refundID, expected: refundID) }
        guard refund.amount == amount else { throw .otherAmount(refund.amount, expected: amount) }
        return refund
    }
}

/// Why a result was not believed.
public enum ResultRejection: Error, Equatable, Sendable, CustomStringConvertible {
    /// The signature is missing, malformed, by an unknown key or wrong: forged or altered.
    case signature(ResultVerificationError)
    /// The text is not a signed result at all.
    case malformed(String)
    /// It is another merchant's result.
    case otherMerchant(String)
    /// It is another order's result (a replay).
    case otherOrder(String, expected: String)
    /// An approval for another amount or currency than the order's.
    case otherAmount(Money, expected: Money)
    /// No open order with this id is waiting for a result here.
    case unknownOrder(String)

    public var description: String {
        switch self {
        case .signature(let error):
            return "\(error)"
        case .malformed(let detail):
            return "not a signed settlement result: \(detail)"
        case .otherMerchant(let merchant):
            return "the result is for merchant '\(merchant)', not this store: refused"
        case .otherOrder(let order, let expected):
            return "the result is for order \(order), not \(expected): refused (a replayed result?)"
        case .otherAmount(let total, let expected):
            return "the approval is for \(total), not the order's \(expected): refused"
        case .unknownOrder(let order):
            return "no open sale here is waiting for order \(order)"
        }
    }
}
