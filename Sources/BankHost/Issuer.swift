import DurableSQLite
import Foundation
import GRDB
import ISO8583
import Logging
import PairPayCore

/// The simulated card issuer: decides authorizations, reversals, captures (0220) and refunds (0200
/// with processing code 20) like a bank host does and records them in its ``IssuerLedger``.
///
/// Every request with fields 7, 11 and 41 is answered at most once: a repeat of the same request
/// (same STAN, terminal and transmission time) gets the stored answer byte for byte and places no
/// second hold. Deciding, holding and storing the answer happen in one SQLite transaction.
public final class Issuer: Sendable {
    /// The cards this issuer knows.
    public let accounts: AccountBook
    /// Where holds and answers are kept.
    public let ledger: IssuerLedger
    let codec = ISO8583Codec()
    let now: @Sendable () -> Date
    let logger: Logger

    /// - Parameter now: the clock used for expiry checks and ledger times (injectable for tests).
    public init(
        accounts: AccountBook, ledger: IssuerLedger, logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.accounts = accounts
        self.ledger = ledger
        self.logger = logger
        self.now = now
    }

    /// The account a request is about, for per-account fault rules. `nil` for unknown cards.
    public func accountID(for request: ISOMessage) -> String? {
        request[.primaryAccountNumber].flatMap { accounts.account(pan: $0)?.id }
    }

    /// Answers one decoded request; `nil` when the message is not one a host answers (a response).
    /// - Parameter unavailable: answer 91 without looking at the account (fault injection).
    /// The ledger is written on GRDB's queue, never on Swift's cooperative pool.
    public func respond(to request: ISOMessage, unavailable: Bool = false) async -> [UInt8]? {
        guard !request.mti.isResponse else {
            logger.warning("ignoring unsolicited response", metadata: ["mti": "\(request.mti)"])
            return nil
        }
        switch request.mti.messageClass {
        case 8:
            var reply = request.response(echoing: [
                .transmissionDateTime, .systemTraceAuditNumber, .networkManagementCode,
            ])
            // 001 sign-on, 002 sign-off, 301 echo test; any other network management code is not ours.
            let known = ["001", "002", "301"].contains(request[.networkManagementCode] ?? "")
            reply[.responseCode] = known ? ResponseCodes.approved : ResponseCodes.formatError
            return try? codec.encode(reply)
        case 1, 2, 4, 5:
            return await respondOnce(to: request, unavailable: unavailable)
        default:
            return encodedFormatError(request)
        }
    }

    func respondOnce(to request: ISOMessage, unavailable: Bool) async -> [UInt8]? {
        guard let terminal = request[.terminalID], let stan = request[.systemTraceAuditNumber],
            let transmission = request[.transmissionDateTime]
        else { return encodedFormatError(request) }
        // A capture or refund met by the fault "issuer unavailable" is answered 91 and forgotten:
        // nothing is applied or recorded, so its repeat is decided afresh (as a real switch does).
        if unavailable, request.mti.messageClass == 2, request.mti.function == 2 || Self.isRefund(request) {
            return try? codec.encode(reply(to: request, code: ResponseCodes.issuerUnavailable))
        }
        var normalized = request
        normalized.mti = request.mti.original
        let fingerprint = Self.fingerprint((try? codec.encode(normalized)) ?? [])
        do {
            return try await ledger.writer.write { [self] db -> [UInt8] in
                if let prior = try Row.fetchOne(
                    db.cachedStatement(
                        sql: "SELECT fingerprint, response FROM answered_request "
                            + "WHERE terminal = ? AND stan = ? AND transmission = ?"),
                    arguments: [terminal, stan, transmission])
                {
                    if prior["fingerprint"] as String == fingerprint {
                        logger.info(
                            "duplicate request answered again from the ledger",
                            metadata: ["mti": "\(request.mti)", "stan": "\(stan)", "terminal": "\(terminal)"])
                        let stored: Data = prior["response"]
                        return Array(stored)
                    }
                    logger.warning(
                        "different request reuses STAN, terminal and time: 94",
                        metadata: ["stan": "\(stan)", "terminal": "\(terminal)"])
                    return try codec.encode(reply(to: request, code: ResponseCodes.duplicateTransmission))
                }
                let response: ISOMessage
                if request.mti.messageClass == 5 {
                    response = try reconcile(request, in: db)
                } else if request.mti.messageClass == 4 {
                    response = try reverse(request, in: db)
                } else if request.mti.messageClass == 2, request.mti.function == 2 {
                    response = try capture(request, in: db)
                } else if Self.isRefund(request) {
                    response = try refund(request, in: db)
                } else {
                    response = try authorize(request, unavailable: unavailable, in: db)
                }
                let bytes = try codec.encode(response)
                try db.executeCached(
                    sql: "INSERT INTO answered_request (terminal, stan, transmission, fingerprint, response) "
                        + "VALUES (?, ?, ?, ?, ?)",
                    arguments: [terminal, stan, transmission, fingerprint, Data(bytes)])
                logger.info(
                    "answered",
                    metadata: [
                        "request": "\(request.mti)", "stan": "\(stan)", "terminal": "\(terminal)",
                        "account": "\(accountID(for: request) ?? "-")",
                        "response-code": "\(response[.responseCode] ?? "")",
                    ])
                return bytes
            }
        } catch {
            logger.error("ledger write failed, answering 96: \(error)")
            return try? codec.encode(reply(to: request, code: ResponseCodes.systemMalfunction))
        }
    }

    func reply(to request: ISOMessage, code: String) -> ISOMessage {
        var reply = request.response()
        reply[.responseCode] = code
        return reply
    }

    func encodedFormatError(_ request: ISOMessage) -> [UInt8]? {
        var reply = request.response(echoing: [.transmissionDateTime, .systemTraceAuditNumber, .terminalID])
        reply[.responseCode] = ResponseCodes.formatError
        return try? codec.encode(reply)
    }

    /// FNV-1a 64 of the request bytes: tells a true repeat from a different request reusing a key.
    static func fingerprint(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return String(hash, radix: 16)
    }

    /// The ledger's time of an entry: ISO 8601 UTC with milliseconds (truncated, never rounded
    /// up). A format style, not an `ISO8601DateFormatter`: creating one per entry cost ~100 µs.
    var timestamp: String {
        now().formatted(Self.timestampStyle)
    }

    static let timestampStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
}
