import BankHost

/// What the bank's ledger says became of each hold: placed by an authorization answered 00,
/// released by a reversal answered 00, posted by a capture answered 00 (the first: a repeat posts
/// nothing more), given back in part by each refund answered 00.
struct BankPositions {
    struct Hold {
        var amount: Int64
        var currency: String
        var released = false
        var captured: Int64?
        var refunded: Int64 = 0
    }

    /// Holds by id.
    private(set) var holds: [Int64: Hold] = [:]
    /// The hold an authorization placed, by its `terminal/stan/transmission`.
    private(set) var holdByAuthorization: [String: Int64] = [:]

    init(_ entries: [LedgerEntry]) {
        for entry in entries.sorted(by: { $0.seq < $1.seq }) where entry.responseCode == "00" {
            guard let id = entry.holdID else { continue }
            switch entry.event {
            case "authorization":
                holds[id] = Hold(amount: entry.amount ?? 0, currency: entry.currency ?? "")
                holdByAuthorization[
                    "\(entry.terminal ?? "")/\(entry.stan ?? "")/\(entry.transmission ?? "")"] = id
            case "reversal":
                if holds[id]?.captured == nil { holds[id]?.released = true }
            case "capture":
                if holds[id]?.captured == nil { holds[id]?.captured = entry.amount ?? 0 }
            case "refund":
                holds[id]?.refunded += entry.amount ?? 0
            default:
                break
            }
        }
    }

    /// The money the store keeps of hold `id`: held, or captured less refunded; 0 once released.
    func kept(_ id: Int64) -> Int64 {
        guard let hold = holds[id], !hold.released else { return 0 }
        if let captured = hold.captured { return captured - hold.refunded }
        return hold.amount
    }

    func describe(_ id: Int64) -> String {
        guard let hold = holds[id] else { return "unknown" }
        if hold.released { return "released" }
        if let captured = hold.captured { return "captured \(captured), refunded \(hold.refunded)" }
        return "held \(hold.amount)"
    }
}
