import Foundation
import PairPayCore

/// The issuer's cards, looked up by card number.
public struct AccountBook: Sendable {
    /// Every account, in file order.
    public let accounts: [Account]
    private let byPAN: [String: Account]

    /// Checks and indexes accounts.
    /// - Throws: ``AccountBookError`` naming the first bad account.
    public init(accounts: [Account]) throws(AccountBookError) {
        var byPAN: [String: Account] = [:]
        for account in accounts {
            guard (try? PrimaryAccountNumber(account.pan)) != nil else {
                throw .invalidPAN(accountID: account.id)
            }
            guard (try? CardExpiry(yymm: account.expiry)) != nil else {
                throw .invalidExpiry(accountID: account.id)
            }
            guard (try? CardSecurityCode(account.cvc)) != nil else {
                throw .invalidCVC(accountID: account.id)
            }
            guard (try? Currency(code: account.currency)) != nil else {
                throw .unknownCurrency(accountID: account.id, code: account.currency)
            }
            guard account.limit >= 0 else { throw .negativeLimit(accountID: account.id) }
            guard byPAN[account.pan] == nil else { throw .duplicatePAN(accountID: account.id) }
            byPAN[account.pan] = account
        }
        self.accounts = accounts
        self.byPAN = byPAN
    }

    /// Loads `{"accounts": [...]}` from a JSON file.
    /// - Throws: ``AccountBookError``.
    public init(contentsOf path: String) throws(AccountBookError) {
        struct File: Decodable { let accounts: [Account] }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unreadable(path: path, reason: "\(error.localizedDescription)")
        }
        let file: File
        do { file = try JSONDecoder().decode(File.self, from: data) } catch {
            throw .unreadable(path: path, reason: "not an accounts file: \(error)")
        }
        try self.init(accounts: file.accounts)
    }

    /// The account with this card number, if the issuer has one.
    public func account(pan: String) -> Account? { byPAN[pan] }

    /// The account named `id` in the ledger, if the issuer has one.
    public func account(id: String) -> Account? { accounts.first { $0.id == id } }
}

/// Why an accounts file was refused. Never contains card data.
public enum AccountBookError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case invalidPAN(accountID: String)
    case invalidExpiry(accountID: String)
    case invalidCVC(accountID: String)
    case unknownCurrency(accountID: String, code: String)
    case negativeLimit(accountID: String)
    case duplicatePAN(accountID: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read accounts file \(path): \(reason)"
        case .invalidPAN(let id): return "account \(id): pan must be 12-19 digits passing the Luhn check"
        case .invalidExpiry(let id): return "account \(id): expiry must be YYMM, e.g. 2812"
        case .invalidCVC(let id): return "account \(id): cvc must be 3 or 4 digits"
        case .unknownCurrency(let id, let code):
            return "account \(id): unknown currency \(code); use e.g. JPY"
        case .negativeLimit(let id): return "account \(id): limit must not be negative"
        case .duplicatePAN(let id): return "account \(id): another account already has this pan"
        }
    }
}
