import DurableSQLite
import Foundation
import GRDB

extension SQLiteSettlementStore: CredentialStore {
    public func enrollMerchant(id: String, acquirerMerchantID: String?, terminalID: String?) async throws {
        let acquirerID = acquirerMerchantID ?? String(id.prefix(15))
        try await writer.write { db in
            // Field 42 names the merchant to the bank and finds its authorizations again (crash
            // recovery): two merchants must never share one.
            if let holder = try String.fetchOne(
                db.cachedStatement(sql: "SELECT id FROM merchant WHERE acquirer_merchant_id = ?"),
                arguments: [acquirerID]),
                holder != id
            {
                throw SettlementStoreError.acquirerMerchantIDTaken(acquirerID, by: holder)
            }
            try db.executeCached(
                sql: "INSERT INTO merchant (id, acquirer_merchant_id, terminal_id) VALUES (?, ?, ?)",
                arguments: [id, acquirerID, terminalID])
        }
    }

    public func addMerchantMACKey(merchantID: String, keyID: String, key: [UInt8]) async throws {
        try await addMACKey(ownerKind: "merchant", ownerID: merchantID, keyID: keyID, key: key)
    }

    public func addMerchantCertificate(merchantID: String, fingerprint: String) async throws {
        try await addCertificate(ownerKind: "merchant", ownerID: merchantID, fingerprint: fingerprint)
    }

    public func setPushEndpoint(merchantID: String, url: String?, secret: [UInt8]?) async throws {
        try await writer.write { db in
            try db.executeCached(
                sql: "UPDATE merchant SET push_url = ?, push_secret = ? WHERE id = ?",
                arguments: [url, secret.map { Data($0) }, merchantID])
            guard db.changesCount == 1 else { throw SettlementStoreError.unknownOwner(merchantID) }
        }
    }

    public func setCaptureMode(merchantID: String, mode: CaptureMode) async throws {
        try await writer.write { db in
            try db.executeCached(
                sql: "UPDATE merchant SET capture_mode = ? WHERE id = ?",
                arguments: [mode.rawValue, merchantID])
            guard db.changesCount == 1 else { throw SettlementStoreError.unknownOwner(merchantID) }
        }
    }

    public func enrollLane(merchantID: String, laneID: String, terminalID: String) async throws {
        try await writer.write { db in
            guard
                try Bool.fetchOne(
                    db.cachedStatement(sql: "SELECT 1 FROM merchant WHERE id = ?"), arguments: [merchantID])
                    != nil
            else { throw SettlementStoreError.unknownOwner(merchantID) }
            if let holder = try String.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT 'lane ' || lane_id FROM merchant_lane WHERE merchant_id = ? AND terminal_id = ? AND lane_id <> ?
                        UNION ALL SELECT 'merchant ' || id FROM merchant WHERE id = ? AND terminal_id = ?
                        """), arguments: [merchantID, terminalID, laneID, merchantID, terminalID])
            {
                throw SettlementStoreError.laneTerminalTaken(terminalID, by: holder)
            }
            try db.executeCached(
                sql: """
                    INSERT INTO merchant_lane (merchant_id, lane_id, terminal_id) VALUES (?, ?, ?)
                    ON CONFLICT (merchant_id, lane_id) DO UPDATE SET terminal_id = excluded.terminal_id
                    """,
                arguments: [merchantID, laneID, terminalID])
        }
    }

    public func setLanePushEndpoint(
        merchantID: String, laneID: String, url: String?, secret: [UInt8]?
    )
        async throws
    {
        try await writer.write { db in
            try db.executeCached(
                sql:
                    "UPDATE merchant_lane SET push_url = ?, push_secret = ? WHERE merchant_id = ? AND lane_id = ?",
                arguments: [url, secret.map { Data($0) }, merchantID, laneID])
            guard db.changesCount == 1 else {
                throw SettlementStoreError.unknownOwner("\(merchantID)/\(laneID)")
            }
        }
    }

    public func merchant(id: String) async throws -> MerchantCredentials? {
        try await database.snapshotRead { db in try Self.merchant(db, id: id) }
    }

    public func merchantByCertificateFingerprint(_ fingerprint: String) async throws -> MerchantCredentials? {
        try await database.snapshotRead { db in
            try Self.certificateOwner(db, fingerprint: fingerprint, kind: "merchant").flatMap { id in
                try Self.merchant(db, id: id)
            }
        }
    }

    public func enrollUser(id: String) async throws {
        try await writer.write { db in
            try db.executeCached(sql: "INSERT INTO app_user (id) VALUES (?)", arguments: [id])
        }
    }

    public func addUserMACKey(userID: String, keyID: String, key: [UInt8]) async throws {
        try await addMACKey(ownerKind: "user", ownerID: userID, keyID: keyID, key: key)
    }

    public func setUserPassword(userID: String, password: String) async throws {
        let hasher = passwordHasher
        let hash = try await passwordWorkers.run { Result { try hasher.hash(password) } }.get()
        try await writer.write { db in
            try db.executeCached(
                sql:
                    "UPDATE app_user SET password_hash = ?, failed_attempts = 0, locked_until = NULL WHERE id = ?",
                arguments: [hash, userID])
            guard db.changesCount == 1 else { throw SettlementStoreError.unknownOwner(userID) }
        }
    }

    public func addUserCertificate(userID: String, fingerprint: String) async throws {
        try await addCertificate(ownerKind: "user", ownerID: userID, fingerprint: fingerprint)
    }

    public func user(id: String) async throws -> UserCredentials? {
        try await database.snapshotRead { db in try Self.user(db, id: id) }
    }

    public func userByCertificateFingerprint(_ fingerprint: String) async throws -> UserCredentials? {
        try await database.snapshotRead { db in
            try Self.certificateOwner(db, fingerprint: fingerprint, kind: "user").flatMap { id in
                try Self.user(db, id: id)
            }
        }
    }

    public func verifyPassword(userID: String, password: String, now: Date) async throws -> PasswordCheck {
        let stored = try await database.snapshotRead { db -> (hash: String?, lockedUntil: Double?)? in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT password_hash, locked_until FROM app_user WHERE id = ?"),
                arguments: [userID]
            ).map { ($0["password_hash"], $0["locked_until"]) }
        }
        guard let stored else { return .wrong }
        if let lockedUntil = stored.lockedUntil, lockedUntil > now.timeIntervalSince1970 {
            return .locked(until: Date(timeIntervalSince1970: lockedUntil))
        }
        let hash = stored.hash
        var matches = false
        if let hash {
            do {
                matches = try await passwordWorkers.run { PasswordHasher.verify(password, against: hash) }
            } catch {
                return .busy  // not checked, so not counted as a wrong password
            }
        }
        // Checks queued together all run: the lock-out one of them set meanwhile is read again here,
        // so no guess, right or wrong, gets past it or lifts it.
        let nowSeconds = now.timeIntervalSince1970
        if matches {
            return try await writer.write { db -> PasswordCheck in
                if let until = try Double.fetchOne(
                    db.cachedStatement(sql: "SELECT locked_until FROM app_user WHERE id = ?"),
                    arguments: [userID]),
                    until > nowSeconds
                {
                    return .locked(until: Date(timeIntervalSince1970: until))
                }
                try db.executeCached(
                    sql: "UPDATE app_user SET failed_attempts = 0, locked_until = NULL WHERE id = ?",
                    arguments: [userID])
                return .ok
            }
        }
        return try await writer.write { db in
            if let until = try Double.fetchOne(
                db.cachedStatement(sql: "SELECT locked_until FROM app_user WHERE id = ?"), arguments: [userID]
            ),
                until > nowSeconds
            {
                return .locked(until: Date(timeIntervalSince1970: until))
            }
            try db.executeCached(
                sql: "UPDATE app_user SET failed_attempts = failed_attempts + 1 WHERE id = ?",
                arguments: [userID])
            let failures =
                try Int.fetchOne(
                    db.cachedStatement(sql: "SELECT failed_attempts FROM app_user WHERE id = ?"),
                    arguments: [userID]) ?? 0
            guard failures >= PasswordLockOut.maximumFailures else { return .wrong }
            let until = now.addingTimeInterval(PasswordLockOut.duration)
            try db.executeCached(
                sql: "UPDATE app_user SET failed_attempts = 0, locked_until = ? WHERE id = ?",
                arguments: [until.timeIntervalSince1970, userID])
            return .locked(until: until)
        }
    }

    public func macKey(id keyID: String) async throws -> MACKeyRecord? {
        try await database.snapshotRead { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT * FROM mac_key WHERE key_id = ?"), arguments: [keyID])
            else { return nil }
            return Self.macKeyRecord(row)
        }
    }

    public func macKeys(owner: MACKeyRecord.Owner) async throws -> [MACKeyRecord] {
        let (kind, id) = (owner.kind, owner.id)
        return try await database.snapshotRead { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql:
                        "SELECT * FROM mac_key WHERE owner_kind = ? AND owner_id = ? ORDER BY created_at IS NOT NULL, created_at, key_id"
                ), arguments: [kind, id]
            ).map(Self.macKeyRecord)
        }
    }

    public func expireMACKey(id keyID: String, at date: Date) async throws {
        try await writer.write { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT retired_at FROM mac_key WHERE key_id = ?"),
                    arguments: [keyID])
            else { throw SettlementStoreError.unknownKey(keyID) }
            guard (row["retired_at"] as Double?) == nil else { throw SettlementStoreError.keyRetired(keyID) }
            try db.executeCached(
                sql: "UPDATE mac_key SET expires_at = ? WHERE key_id = ?",
                arguments: [date.timeIntervalSince1970, keyID])
        }
    }

    public func retireMACKey(id keyID: String, at now: Date) async throws {
        try await writer.write { db in
            try db.executeCached(
                sql: "UPDATE mac_key SET retired_at = coalesce(retired_at, ?) WHERE key_id = ?",
                arguments: [now.timeIntervalSince1970, keyID])
            guard db.changesCount == 1 else { throw SettlementStoreError.unknownKey(keyID) }
        }
    }

    public func revokeCertificate(fingerprint: String, at now: Date) async throws -> MACKeyRecord.Owner {
        let lowercased = fingerprint.lowercased()
        return try await writer.write { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: "SELECT owner_kind, owner_id FROM client_certificate WHERE fingerprint = ?"),
                    arguments: [lowercased])
            else { throw SettlementStoreError.unknownCertificate(lowercased) }
            try db.executeCached(
                sql:
                    "UPDATE client_certificate SET revoked_at = coalesce(revoked_at, ?) WHERE fingerprint = ?",
                arguments: [now.timeIntervalSince1970, lowercased])
            let ownerID: String = row["owner_id"]
            return row["owner_kind"] == "merchant" ? .merchant(ownerID) : .user(ownerID)
        }
    }

    private static func macKeyRecord(_ row: Row) -> MACKeyRecord {
        let ownerID: String = row["owner_id"]
        let owner: MACKeyRecord.Owner = row["owner_kind"] == "merchant" ? .merchant(ownerID) : .user(ownerID)
        func date(_ column: String) -> Date? {
            (row[column] as Double?).map(Date.init(timeIntervalSince1970:))
        }
        return MACKeyRecord(
            keyID: row["key_id"], owner: owner, key: Array(row["key"] as Data), createdAt: date("created_at"),
            expiresAt: date("expires_at"), retiredAt: date("retired_at"))
    }

    private func addMACKey(ownerKind: String, ownerID: String, keyID: String, key: [UInt8]) async throws {
        try await writer.write { db in
            try Self.requireOwner(db, kind: ownerKind, id: ownerID)
            try db.executeCached(
                sql:
                    "INSERT INTO mac_key (key_id, owner_kind, owner_id, key, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [keyID, ownerKind, ownerID, Data(key), Date().timeIntervalSince1970])
        }
    }

    private func addCertificate(ownerKind: String, ownerID: String, fingerprint: String) async throws {
        try await writer.write { db in
            try Self.requireOwner(db, kind: ownerKind, id: ownerID)
            try db.executeCached(
                sql: "INSERT INTO client_certificate (fingerprint, owner_kind, owner_id) VALUES (?, ?, ?)",
                arguments: [fingerprint.lowercased(), ownerKind, ownerID])
        }
    }

    private static func requireOwner(_ db: Database, kind: String, id: String) throws {
        let table = kind == "merchant" ? "merchant" : "app_user"
        guard
            try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM \(table) WHERE id = ?"), arguments: [id])
                == true
        else {
            throw SettlementStoreError.unknownOwner(id)
        }
    }

    private static func keys(_ db: Database, kind: String, id: String) throws -> [String: [UInt8]] {
        var keys: [String: [UInt8]] = [:]
        for row in try Row.fetchAll(
            db.cachedStatement(sql: "SELECT key_id, key FROM mac_key WHERE owner_kind = ? AND owner_id = ?"),
            arguments: [kind, id])
        {
            keys[row["key_id"]] = Array(row["key"] as Data)
        }
        return keys
    }

    private static func fingerprints(_ db: Database, kind: String, id: String) throws -> [String] {
        try String.fetchAll(
            db.cachedStatement(
                sql:
                    "SELECT fingerprint FROM client_certificate WHERE owner_kind = ? AND owner_id = ? AND revoked_at IS NULL ORDER BY fingerprint"
            ),
            arguments: [kind, id])
    }

    private static func merchant(_ db: Database, id: String) throws -> MerchantCredentials? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM merchant WHERE id = ?"), arguments: [id])
        else {
            return nil
        }
        return MerchantCredentials(
            id: id, macKeys: try keys(db, kind: "merchant", id: id),
            certificateFingerprints: try fingerprints(db, kind: "merchant", id: id), pushURL: row["push_url"],
            pushSecret: (row["push_secret"] as Data?).map { Array($0) },
            acquirerMerchantID: row["acquirer_merchant_id"],
            terminalID: row["terminal_id"],
            captureMode: CaptureMode(rawValue: row["capture_mode"] ?? "") ?? .endOfDay,
            lanes: try lanes(db, merchantID: id))
    }

    private static func lanes(_ db: Database, merchantID: String) throws -> [String: MerchantLane] {
        var lanes: [String: MerchantLane] = [:]
        for row in try Row.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM merchant_lane WHERE merchant_id = ?"),
            arguments: [merchantID])
        {
            let lane = MerchantLane(
                laneID: row["lane_id"], terminalID: row["terminal_id"], pushURL: row["push_url"],
                pushSecret: (row["push_secret"] as Data?).map { Array($0) })
            lanes[lane.laneID] = lane
        }
        return lanes
    }

    private static func user(_ db: Database, id: String) throws -> UserCredentials? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM app_user WHERE id = ?"), arguments: [id])
        else {
            return nil
        }
        return UserCredentials(
            id: id, macKeys: try keys(db, kind: "user", id: id),
            certificateFingerprints: try fingerprints(db, kind: "user", id: id),
            hasPassword: (row["password_hash"] as String?) != nil, failedAttempts: row["failed_attempts"],
            lockedUntil: (row["locked_until"] as Double?).map(Date.init(timeIntervalSince1970:)))
    }

    /// The id of the merchant or user (`kind`) a client certificate fingerprint is enrolled for.
    static func certificateOwner(_ db: Database, fingerprint: String, kind: String) throws -> String? {
        try String.fetchOne(
            db.cachedStatement(
                sql:
                    "SELECT owner_id FROM client_certificate WHERE fingerprint = ? AND owner_kind = ? AND revoked_at IS NULL"
            ),
            arguments: [fingerprint.lowercased(), kind])
    }
}
