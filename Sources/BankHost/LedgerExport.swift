import Foundation

/// Writes ledger entries for reconciliation.
public enum LedgerExport {
    /// The formats `banksim ledger export` offers.
    public enum Format: String, Sendable, CaseIterable {
        case csv, json
    }

    /// The entries as CSV (header line first, RFC 4180 quoting) or as a JSON array.
    public static func render(_ entries: [LedgerEntry], as format: Format) throws -> String {
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            return String(decoding: try encoder.encode(entries), as: UTF8.self) + "\n"
        case .csv:
            var lines = [LedgerEntry.columnNames.joined(separator: ",")]
            for e in entries {
                let values: [String?] = [
                    String(e.seq), e.at, e.event, e.mti, e.accountID, e.maskedPAN, e.amount.map(String.init),
                    e.currency, e.terminal, e.stan, e.transmission, e.rrn, e.approvalCode, e.responseCode,
                    e.holdID.map(String.init),
                ]
                lines.append(values.map { csvField($0 ?? "") }.joined(separator: ","))
            }
            return lines.joined(separator: "\n") + "\n"
        }
    }

    /// One CSV field, quoted (RFC 4180) only when it has to be.
    public static func csvField(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else {
            return value
        }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
