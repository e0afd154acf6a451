import BankHost
import Foundation
import PairPayCore

extension ReconciliationReport {
    /// The forms `pairpay reconcile` prints.
    public enum Format: String, Sendable, CaseIterable {
        case text, csv, json
    }

    /// The report in `format`.
    public func rendered(as format: Format) throws -> String {
        switch format {
        case .text: text
        case .csv: csv
        case .json: try json
        }
    }

    /// One line per day, lane and currency with the three parties' money kept, then each
    /// difference and pending item.
    public var text: String {
        var lines = [
            "reconciliation: \(rows.count) day/lane/currency rows, \(differences.count) differences, \(pending.count) pending",
            Self.pad(["day", "lane", "currency", "orders", "registerd", "settlementd", "bank", "differences"]
            ),
        ]
        for row in rows {
            lines.append(
                Self.pad([
                    row.day, row.lane, row.currency, String(row.orders),
                    row.registerd.map { Money.description(minorUnits: $0, currencyCode: row.currency) }
                        ?? "n/a",
                    Money.description(minorUnits: row.settlementd, currencyCode: row.currency),
                    Money.description(minorUnits: row.bank, currencyCode: row.currency),
                    String(row.differences),
                ]))
        }
        lines += differences.map { "DIFFERENCE \(Self.describe($0))" }
        lines += pending.map { "PENDING \(Self.describe($0))" }
        lines.append(agrees ? "result: the three parties agree to the unit" : "result: DIFFERENCES FOUND")
        return lines.joined(separator: "\n") + "\n"
    }

    /// One table: `kind` `row`, `difference` or `pending`; amounts in minor units.
    public var csv: String {
        var lines = [
            "kind,day,lane,currency,orders,registerd,settlementd,bank,differences,order_id,receipt,text"
        ]
        for row in rows {
            lines.append(
                [
                    "row", row.day, row.lane, row.currency, String(row.orders),
                    row.registerd.map(String.init) ?? "",
                    String(row.settlementd), String(row.bank), String(row.differences), "", "", "",
                ].map(LedgerExport.csvField).joined(separator: ","))
        }
        for (kind, items) in [("difference", differences), ("pending", pending)] {
            for line in items {
                lines.append(
                    [
                        kind, line.day ?? "", line.lane ?? "", "", "", "", "", "", "", line.orderID ?? "",
                        line.receipt ?? "", line.text,
                    ].map(LedgerExport.csvField).joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `{"agrees","rows":[…],"differences":[…],"pending":[…]}`.
    public var json: String {
        get throws {
            struct Document: Encodable {
                let agrees: Bool
                let rows: [Row]
                let differences: [Line]
                let pending: [Line]
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return String(
                decoding: try encoder.encode(
                    Document(agrees: agrees, rows: rows, differences: differences, pending: pending)),
                as: UTF8.self) + "\n"
        }
    }

    static func describe(_ line: Line) -> String {
        var parts: [String] = []
        if let day = line.day { parts.append(day) }
        if let lane = line.lane { parts.append("lane \(lane)") }
        if let order = line.orderID { parts.append("order \(order)") }
        if let receipt = line.receipt { parts.append("receipt \(receipt)") }
        return (parts.isEmpty ? "" : parts.joined(separator: " ") + ": ") + line.text
    }

    static func pad(_ columns: [String]) -> String {
        let widths = [10, 14, 8, 6, 16, 16, 16, 11]
        return zip(columns, widths).map {
            $0.padding(toLength: max($1, $0.count), withPad: " ", startingAt: 0)
        }
        .joined(separator: " ").trimmingCharacters(in: .whitespaces)
    }
}
