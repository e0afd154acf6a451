/// What to do with a capture or refund asked for, from the authorization and the captures and
/// refunds already stored for it: the rules every ``AcquirerStore`` applies inside the transaction
/// that holds the authorization locked.
public struct PostSalePlan: Sendable {
    public enum Decision: Sendable, Equatable {
        case insert(amount: Int64)
        case existing(PostSaleMessage)
        case refused(PostSaleRefusalReason)
    }

    public let decision: Decision

    public init(draft: PostSaleDraft, authorization: StoredAuthorization, existing: [PostSaleMessage]) {
        if let same = existing.first(where: { $0.kind == draft.kind && $0.key == draft.key }) {
            let sameAmount = draft.kind == .capture || same.amount == draft.amount
            decision = sameAmount ? .existing(same) : .refused(.keyReused)
            return
        }
        switch draft.kind {
        case .capture:
            decision =
                authorization.state == "approved"
                ? .insert(amount: authorization.amount) : .refused(.notApproved(state: authorization.state))
        case .refund:
            guard let capture = existing.first(where: { $0.kind == .capture && $0.state != .declined }) else {
                decision = .refused(.notCaptured)
                return
            }
            let refunded = existing.filter { $0.kind == .refund && $0.state != .declined }.reduce(0) {
                $0 + $1.amount
            }
            let remaining = capture.amount - refunded
            decision =
                draft.amount <= remaining
                ? .insert(amount: draft.amount) : .refused(.exceedsCaptured(remaining: remaining))
        }
    }
}
