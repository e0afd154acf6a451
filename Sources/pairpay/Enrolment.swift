import ArgumentParser
import Crypto
import Foundation
import PairPayCore
import PairPayPKI
import Settlement
import SettlementPostgres

/// The writes `pairpay enroll` and `pairpay vault` make through the settlement store. Secrets are
/// printed once, here, and nowhere else.
enum Enrolment {
    static func enrollMerchant(
        db: String, id: String, certificatePath: String?, pushURL: String?, acquirerMerchantID: String?,
        terminalID: String?, capture: CaptureMode? = nil
    ) async throws {
        let store = try await open(db)
        let fingerprint = try certificatePath.map(fingerprint(of:))
        if try await store.merchant(id: id) == nil {
            try await store.enrollMerchant(
                id: id, acquirerMerchantID: acquirerMerchantID, terminalID: terminalID)
            print("enrolled merchant \(id)")
        } else {
            print("merchant \(id) exists: adding a new key")
        }
        try await issueMACKey(prefix: "mk_") { keyID, key in
            try await store.addMerchantMACKey(merchantID: id, keyID: keyID, key: key)
        }
        if let fingerprint {
            try await store.addMerchantCertificate(merchantID: id, fingerprint: fingerprint)
            print("certificate sha256 \(fingerprint)")
        }
        if let capture {
            try await store.setCaptureMode(merchantID: id, mode: capture)
            print("capture \(capture.rawValue)")
        }
        if let pushURL {
            let secret = random(32)
            try await store.setPushEndpoint(merchantID: id, url: pushURL, secret: secret)
            print("push url \(pushURL)")
            print("push secret \(Hex.encode(secret))")
        }
        print("the key and secret above are shown only now: store them with the register")
    }

    static func enrollLane(
        db: String, merchantID: String, laneID: String, terminalID: String, pushURL: String?
    ) async throws {
        let store = try await open(db)
        guard try await store.merchant(id: merchantID) != nil else {
            throw ValidationError("merchant \(merchantID) is not enrolled: run pairpay enroll merchant first")
        }
        try await store.enrollLane(merchantID: merchantID, laneID: laneID, terminalID: terminalID)
        print("lane \(laneID) of merchant \(merchantID): terminal \(terminalID)")
        if let pushURL {
            let secret = random(32)
            try await store.setLanePushEndpoint(
                merchantID: merchantID, laneID: laneID, url: pushURL, secret: secret)
            print("push url \(pushURL)")
            print("push secret \(Hex.encode(secret))")
            print("the secret above is shown only now: give it to this lane's registerd (push-secret)")
        }
    }

    static func enrollUser(db: String, id: String, password: String?, certificatePath: String?) async throws {
        let store = try await open(db)
        let fingerprint = try certificatePath.map(fingerprint(of:))
        if try await store.user(id: id) == nil {
            try await store.enrollUser(id: id)
            print("enrolled user \(id)")
        } else {
            print("user \(id) exists: adding a new key")
        }
        try await issueMACKey(prefix: "uk_") { keyID, key in
            try await store.addUserMACKey(userID: id, keyID: keyID, key: key)
        }
        if let password {
            try await store.setUserPassword(userID: id, password: password)
            print("password set")
        }
        if let fingerprint {
            try await store.addUserCertificate(userID: id, fingerprint: fingerprint)
            print("certificate sha256 \(fingerprint)")
        }
        print("the key above is shown only now: store it in the user's phone")
    }

    static func vaultCard(
        db: String, vaultKeyPath: String, user: String, pan: String, expiry: String
    ) async throws {
        let vault: Settlement.Vault
        do { vault = try Settlement.Vault(keyFile: vaultKeyPath) } catch { throw ValidationError("\(error)") }
        let card: CardData
        do {
            card = CardData(
                primaryAccountNumber: try PrimaryAccountNumber(pan), expiry: try CardExpiry(yymm: expiry),
                securityCode: nil)
        } catch {
            // CardDataError never contains the number itself.
            throw ValidationError("the card is not valid: \(error)")
        }
        let store = try await open(db)
        guard try await store.user(id: user) != nil else {
            throw ValidationError("no user '\(user)': enrol it first with `pairpay enroll user`")
        }
        let summary = try await store.vaultCard(card, userID: user, vault: vault)
        print("vault reference \(summary.vaultReference)")
        print("card last4 \(summary.cardLast4)")
    }

    /// The settlement store at `location`: a `postgres://` URL (password from
    /// `PAIRPAY_DATABASE_PASSWORD`) or a SQLite file.
    static func open(_ location: String) async throws -> any SettlementStore {
        if let pool = try await StoreLocation.postgres(location) {
            do { return try await PostgresSettlementStore(database: pool) } catch {
                throw ValidationError("cannot open the settlement database \(pool.url): \(error)")
            }
        }
        do { return try SQLiteSettlementStore(path: location) } catch {
            throw ValidationError("cannot open the settlement database \(location): \(error)")
        }
    }

    static func fingerprint(of path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read the certificate \(path)")
        }
        do { return try CertificateFingerprint.sha256(pem: String(decoding: data, as: UTF8.self)) } catch {
            throw ValidationError("\(path) is not a PEM certificate: \(error)")
        }
    }

    static func random(_ count: Int) -> [UInt8] {
        SymmetricKey(size: .init(bitCount: count * 8)).withUnsafeBytes { Array($0) }
    }

    /// Makes a random 32-byte MAC key with a random id, stores it through `add`, and prints both
    /// once (the server keeps the key; the holder must store what is printed).
    static func issueMACKey(
        prefix: String, add: (_ keyID: String, _ key: [UInt8]) async throws -> Void
    ) async throws {
        let keyID = prefix + Hex.encode(random(8))
        let key = random(32)
        try await add(keyID, key)
        print("mac key id \(keyID)")
        print("mac key \(Hex.encode(key))")
    }
}
