import GRDB
import ISO8583

/// Where a capture or refund names the authorization it is about.
struct OriginalReference {
    let terminal: String
    let stan: String
    let transmission: String

    /// Field 41 and field 90's STAN and transmission time; nil when either is missing or malformed.
    init?(_ request: ISOMessage) {
        guard let original = request[.originalDataElements], original.utf8.count == 42,
            let terminal = request[.terminalID]
        else { return nil }
        let chars = Array(original)
        self.terminal = terminal
        self.stan = String(chars[4..<10])
        self.transmission = String(chars[10..<20])
    }

    /// The hold the original authorization placed, if it was approved.
    func hold(in db: Database) throws -> Hold? {
        try Hold.fetchOne(
            db, sql: "SELECT * FROM hold WHERE terminal = ? AND stan = ? AND transmission = ?",
            arguments: [terminal, stan, transmission])
    }
}
