import Foundation
import GRDB
import Register
import RegisterProtocol
import Settlement

/// Reads a run's files while it settles (how much is still in flight); the reconciliation itself
/// reads them as a ``LedgerSnapshot``.
public enum SoakLedgers {
    static func query<T>(_ path: String, _ body: (Database) throws -> T) throws -> T {
        guard FileManager.default.fileExists(atPath: path) else {
            throw SoakError.unreadable(path, "no such file")
        }
        do {
            return try DatabaseQueue(path: path).read(body)
        } catch {
            throw SoakError.unreadable(path, "\(error)")
        }
    }
}
