import Foundation

/// Looks for card numbers in what the store side keeps and sends: the claim is that no byte of
/// registerd's logs, journal or register traffic holds one.
public enum CardNumberScan {
    /// Where `cardNumbers` occur in `files` and in `traffic`: one line per finding, empty when none.
    /// Reads the files as bytes (SQLite files and their WAL included).
    public static func findings(
        of cardNumbers: [String], inFiles files: [String], traffic: [UInt8]
    ) -> (findings: [String], bytesChecked: Int) {
        var findings: [String] = []
        var checked = 0
        for path in files {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            checked += data.count
            for number in cardNumbers where data.range(of: Data(number.utf8)) != nil {
                findings.append("\(path) holds a card number ending \(number.suffix(4))")
            }
        }
        checked += traffic.count
        let line = Data(traffic)
        for number in cardNumbers where line.range(of: Data(number.utf8)) != nil {
            findings.append("the register line carried a card number ending \(number.suffix(4))")
        }
        return (findings, checked)
    }

    /// The files of a SQLite database: the file, its WAL and shared memory.
    public static func sqliteFiles(_ path: String) -> [String] {
        [path, path + "-wal", path + "-shm"]
    }
}
