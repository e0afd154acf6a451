import Crypto
import Foundation
import LogCapture
import Logging
import PairPayCore
import PostgresTestSupport
import Settlement
import SettlementPostgres
import Synchronization

/// An acquirer double that counts calls and answers from a script: for engine unit tests.
final class CountingAcquirer: Acquirer {
    let outcome: Mutex<AuthorizationOutcome>
    let authorizations = Mutex<[AuthorizationRequest]>([])
    let reversals = Mutex<[ReversalRequest]>([])

    init(
        outcome: AuthorizationOutcome = .approved(
            Approval(
                approvalCode: "A1B2C3", retrievalReferenceNumber: "000000000001",
                reference: AuthorizationReference(id: 7)))
    ) {
        self.outcome = Mutex(outcome)
    }

    var authorizeCount: Int { authorizations.withLock { $0.count } }

    func authorize(_ request: AuthorizationRequest) async throws -> AuthorizationOutcome {
        authorizations.withLock { $0.append(request) }
        return outcome.withLock { $0 }
    }

    func reverse(_ request: ReversalRequest) async throws -> ReversalOutcome {
        reversals.withLock { $0.append(request) }
        return .acknowledged
    }
}

/// A settable clock for expiry tests.
final class TestClock: Sendable {
    let current = Mutex(Date(timeIntervalSince1970: 1_767_225_600))
    func now() -> Date { current.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// Which store a test runs on: the same test cases run on both.
enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    /// A SQLite file in a temporary directory.
    case sqlite
    /// A fresh database on the test PostgreSQL server (``TestPostgres``).
    case postgres

    var description: String { rawValue }
}

/// A real store (a SQLite file in a temp directory, or a fresh PostgreSQL database), a vault, a
/// signer and an engine over them.
struct EngineHarness {
    static let merchant = "MERCHANT-42"
    static let otherMerchant = "MERCHANT-43"
    static let user = "user-1"
    static let pan = "4111111111111111"

    let directory: URL
    let kind: StoreKind
    /// The PostgreSQL database, for ``StoreKind/postgres``.
    let postgresURL: PostgresURL?
    let pool: PostgresPool?
    let store: any SettlementStore
    let vault: Vault
    let signer: ResultSigner
    let clock: TestClock

    init(
        directory: URL? = nil, kind: StoreKind = .sqlite, postgresURL: PostgresURL? = nil,
        clock: TestClock? = nil
    ) async throws {
        self.clock = clock ?? TestClock()
        self.directory =
            directory
            ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("settlement-test-\(UUID().uuidString)")
        self.kind = kind
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        let keyPath = self.directory.appendingPathComponent("vault.key").path
        if !FileManager.default.fileExists(atPath: keyPath) { try Vault.createKeyFile(at: keyPath) }
        vault = try Vault(keyFile: keyPath)
        switch kind {
        case .sqlite:
            self.postgresURL = nil
            self.pool = nil
            store = try SQLiteSettlementStore(
                path: self.directory.appendingPathComponent("settlement.sqlite").path,
                passwordHasher: .fastForTests)
        case .postgres:
            let url: PostgresURL
            if let postgresURL { url = postgresURL } else { url = try await TestPostgres.freshDatabaseURL() }
            self.postgresURL = url
            let pool = try await TestPostgres.connect(url, maximumConnections: 4)
            self.pool = pool
            store = try await PostgresSettlementStore(database: pool, passwordHasher: .fastForTests)
        }
        signer = ResultSigner(
            privateKey: try Curve25519.Signing.PrivateKey(rawRepresentation: (0..<32).map { UInt8($0) }))
        if try await store.merchant(id: Self.merchant) == nil {
            try await store.enrollMerchant(
                id: Self.merchant, acquirerMerchantID: "MERCHANT0000042", terminalID: "TERM0001")
            try await store.setPushEndpoint(
                merchantID: Self.merchant, url: "https://store.example/push",
                secret: Array(repeating: 7, count: 32))
            try await store.enrollMerchant(id: Self.otherMerchant, acquirerMerchantID: nil, terminalID: nil)
            try await store.enrollUser(id: Self.user)
            try await store.enrollUser(id: "user-2")
        }
    }

    var databasePath: String { directory.appendingPathComponent("settlement.sqlite").path }

    /// The same store opened again, as a restarted (or another) settlementd would.
    init(reopening other: EngineHarness) async throws {
        try await self.init(
            directory: other.directory, kind: other.kind, postgresURL: other.postgresURL, clock: other.clock)
    }

    /// Everything the store holds, as bytes: the SQLite file and its WAL, or every row of every
    /// table in the PostgreSQL database as text. For checking what never reaches the disk.
    func everythingStored() async throws -> Data {
        switch kind {
        case .sqlite:
            return ["", "-wal"].reduce(into: Data()) { data, suffix in
                data += FileManager.default.contents(atPath: databasePath + suffix) ?? Data()
            }
        case .postgres:
            return Data(try await pool!.textOfAllRows().utf8)
        }
    }

    /// Whether the store commits durably: WAL with synchronous=FULL, or fsync and
    /// synchronous_commit on.
    func isDurable() async throws -> Bool {
        switch kind {
        case .sqlite:
            let settings = try (store as! SQLiteSettlementStore).durabilitySettings()
            return settings.journalMode == "wal" && settings.synchronous == 2
        case .postgres:
            let settings = try await pool!.durabilitySettings()
            return settings.fsync == "on" && settings.synchronousCommit == "on"
        }
    }

    static let quiet: Logger = {
        var logger = Logger(label: "test.postgres")
        logger.logLevel = .error
        return logger
    }()

    func engine(
        acquirer: any Acquirer, logger: Logger = Logger(label: "test"),
        onPushQueued: @escaping @Sendable () -> Void = {}
    ) -> SettlementEngine {
        let clock = self.clock
        return SettlementEngine(
            store: store, acquirer: acquirer, signer: signer, vault: vault,
            configuration: SettlementConfiguration(),
            now: { clock.now() }, logger: logger, onPushQueued: onPushQueued)
    }

    static func contents(
        order: String = "PP-1", peanutQuantity: Int64 = 1, merchant: String = merchant
    ) throws -> OrderContents {
        try OrderContents(
            merchantID: merchant, orderID: order, currency: .jpy,
            lineItems: [
                try OrderLineItem(
                    code: "4901234567894", name: "Peanut butter", unitPrice: 500, quantity: peanutQuantity,
                    tax: 25),
                try OrderLineItem(
                    code: "4909876543210", name: "Grape jelly", unitPrice: 600, quantity: 1, tax: 30),
            ])
    }

    static func first(
        order: String = "PP-1", peanutQuantity: Int64 = 1, expires: Int? = nil, merchant: String = merchant
    ) throws -> FirstSettlementRequest {
        let contents = try contents(order: order, peanutQuantity: peanutQuantity, merchant: merchant)
        return try FirstSettlementRequest(orderID: order, contents: contents, expiresInSeconds: expires)
    }

    static func card(
        pan: String = pan, expiry: String = "3012", cvc: String? = "123"
    ) throws -> PaymentInstrument {
        .card(
            CardData(
                primaryAccountNumber: try PrimaryAccountNumber(pan), expiry: try CardExpiry(yymm: expiry),
                securityCode: try cvc.map { try CardSecurityCode($0) }))
    }

    static func second(
        order: String = "PP-1", peanutQuantity: Int64 = 1, total: Int64? = nil, digestOnly: Bool = false,
        payment: PaymentInstrument? = nil
    ) throws -> SecondSettlementRequest {
        let contents = try contents(order: order, peanutQuantity: peanutQuantity)
        let claim = try OrderClaim(
            merchantID: merchant, orderID: order,
            total: Money(minorUnits: total ?? contents.total.minorUnits, currency: .jpy),
            contents: digestOnly ? nil : contents, contentsDigest: digestOnly ? contents.contentsDigest : nil)
        return SecondSettlementRequest(claim: claim, payment: try payment ?? card())
    }
}
