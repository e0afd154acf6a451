import Foundation
import PostgresNIO
import Settlement

extension PostgresSettlementStore: CredentialStore {
    public func enrollMerchant(id: String, acquirerMerchantID: String?, terminalID: String?) async throws {
        let acquirerID = acquirerMerchantID ?? String(id.prefix(15))
        do {
            try await database.query(
                "INSERT INTO merchant (id, acquirer_merchant_id, terminal_id) VALUES (\(id), \(acquirerID), \(terminalID))"
            )
        } catch  where PostgresPool.sqlState(error) == "23505" {
            // The unique index on acquirer_merchant_id, or the primary key.
            let holder = try await database.query(
                "SELECT id FROM merchant WHERE acquirer_merchant_id = \(acquirerID)"
            ).first.map { try $0.decode(String.self) }
            guard let holder, holder != id else { throw error }
            throw SettlementStoreError.acquirerMerchantIDTaken(acquirerID, by: holder)
        }
    }

    public func addMerchantMACKey(merchantID: String, keyID: String, key: [UInt8]) async throws {
        try await addMACKey(ownerKind: "merchant", ownerID: merchantID, keyID: keyID, key: key)
    }

    public func addMerchantCertificate(merchantID: String, fingerprint: String) async throws {
        try await addCertificate(ownerKind: "merchant", ownerID: merchantID, fingerprint: fingerprint)
    }

    public func setPushEndpoint(merchantID: String, url: String?, secret: [UInt8]?) async throws {
        let secretData = secret.map { Data($0) }
        let updated = try await database.query(
            "UPDATE merchant SET push_url = \(url), push_secret = \(secretData) WHERE id = \(merchantID) RETURNING 1"
        )
        guard !updated.isEmpty else { throw SettlementStoreError.unknownOwner(merchantID) }
    }

    public func setCaptureMode(merchantID: String, mode: CaptureMode) async throws {
        let updated = try await database.query(
            "UPDATE merchant SET capture_mode = \(mode.rawValue) WHERE id = \(merchantID) RETURNING 1")
        guard !updated.isEmpty else { throw SettlementStoreError.unknownOwner(merchantID) }
    }

    public func enrollLane(merchantID: String, laneID: String, terminalID: String) async throws {
        // The unique index decides between two enrolments at once; this names the holder.
        if let holder = try await database.query(
            """
            SELECT 'lane ' || lane_id FROM merchant_lane
            WHERE merchant_id = \(merchantID) AND terminal_id = \(terminalID) AND lane_id <> \(laneID)
            UNION ALL SELECT 'merchant ' || id FROM merchant WHERE id = \(merchantID) AND terminal_id = \(terminalID)
            """
        ).first.map({ try $0.decode(String.self) }) {
            throw SettlementStoreError.laneTerminalTaken(terminalID, by: holder)
        }
        let inserted = try await database.query(
            """
            INSERT INTO merchant_lane (merchant_id, lane_id, terminal_id)
            SELECT id, \(laneID), \(terminalID) FROM merchant WHERE id = \(merchantID)
            ON CONFLICT (merchant_id, lane_id) DO UPDATE SET terminal_id = excluded.terminal_id
            RETURNING 1
            """)
        guard !inserted.isEmpty else { throw SettlementStoreError.unknownOwner(merchantID) }
    }

    public func setLanePushEndpoint(
        merchantID: String, laneID: String, url: String?, secret: [UInt8]?
    )
        async throws
    {
        let secretData = secret.map { Data($0) }
        let updated = try await database.query(
            """
            UPDATE merchant_lane SET push_url = \(url), push_secret = \(secretData)
            WHERE merchant_id = \(merchantID) AND lane_id = \(laneID) RETURNING 1
            """)
        guard !updated.isEmpty else { throw SettlementStoreError.unknownOwner("\(merchantID)/\(laneID)") }
    }

    /// One statement, one round trip (and one snapshot): see ``merchantQuery(id:)``.
    public func merchant(id: String) async throws -> MerchantCredentials? {
        try Self.merchant(id: id, from: try await database.query(Self.merchantQuery(id: id)))
    }

    public func merchantByCertificateFingerprint(_ fingerprint: String) async throws -> MerchantCredentials? {
        guard let id = try await certificateOwner(fingerprint: fingerprint, kind: "merchant") else {
            return nil
        }
        return try await merchant(id: id)
    }

    public func enrollUser(id: String) async throws {
        try await database.query("INSERT INTO app_user (id) VALUES (\(id))")
    }

    public func addUserMACKey(userID: String, keyID: String, key: [UInt8]) async throws {
        try await addMACKey(ownerKind: "user", ownerID: userID, keyID: keyID, key: key)
    }

    public func setUserPassword(userID: String, password: String) async throws {
        let hasher = passwordHasher
        let hash = try await passwordWorkers.run { Result { try hasher.hash(password) } }.get()
        let updated = try await database.query(
            """
            UPDATE app_user SET password_hash = \(hash), failed_attempts = 0, locked_until = NULL
            WHERE id = \(userID) RETURNING 1
            """)
        guard !updated.isEmpty else { throw SettlementStoreError.unknownOwner(userID) }
    }

    public func addUserCertificate(userID: String, fingerprint: String) async throws {
        try await addCertificate(ownerKind: "user", ownerID: userID, fingerprint: fingerprint)
    }

    /// One statement, one round trip (and one snapshot): see ``userQuery(id:)``.
    public func user(id: String) async throws -> UserCredentials? {
        try Self.user(id: id, from: try await database.query(Self.userQuery(id: id)))
    }

    public func userByCertificateFingerprint(_ fingerprint: String) async throws -> UserCredentials? {
        guard let id = try await certificateOwner(fingerprint: fingerprint, kind: "user") else { return nil }
        return try await user(id: id)
    }

    /// The same rules as ``SQLiteSettlementStore/verifyPassword(userID:password:now:)``: the hash is
    /// checked on the password threads, then the outcome is recorded by one conditional statement
    /// that reads the lock-out again, so checks racing on several instances neither get past a
    /// lock-out nor lift it, and every wrong one is counted.
    public func verifyPassword(userID: String, password: String, now: Date) async throws -> PasswordCheck {
        guard
            let stored = try await database.query(
                "SELECT password_hash, locked_until FROM app_user WHERE id = \(userID)"
            ).first
        else { return .wrong }
        let (hash, lockedUntil) = try stored.decode((String?, Date?).self)
        if let lockedUntil, lockedUntil > now { return .locked(until: lockedUntil) }
        let matches: Bool
        if let hash {
            do {
                matches = try await passwordWorkers.run { PasswordHasher.verify(password, against: hash) }
            } catch {
                return .busy  // not checked, so not counted as a wrong password
            }
        } else {
            matches = false
        }
        let maximum = Int64(PasswordLockOut.maximumFailures)
        let lockUntil = now.addingTimeInterval(PasswordLockOut.duration)
        return try await database.transaction { transaction -> PasswordCheck in
            guard
                let row = try await transaction.query(
                    "SELECT locked_until FROM app_user WHERE id = \(userID) FOR UPDATE"
                ).first
            else { return .wrong }
            if let until = try row.decode(Date?.self), until > now { return .locked(until: until) }
            if matches {
                try await transaction.query(
                    "UPDATE app_user SET failed_attempts = 0, locked_until = NULL WHERE id = \(userID)")
                return .ok
            }
            let failures =
                try await transaction.query(
                    "UPDATE app_user SET failed_attempts = failed_attempts + 1 WHERE id = \(userID) RETURNING failed_attempts"
                ).first.map { try $0.decode(Int64.self) } ?? 0
            guard failures >= maximum else { return .wrong }
            try await transaction.query(
                "UPDATE app_user SET failed_attempts = 0, locked_until = \(lockUntil) WHERE id = \(userID)")
            return .locked(until: lockUntil)
        }
    }

    public func macKey(id keyID: String) async throws -> MACKeyRecord? {
        guard
            let row = try await database.query(
                """
                SELECT key_id, owner_kind, owner_id, key, created_at, expires_at, retired_at
                FROM mac_key WHERE key_id = \(keyID)
                """
            ).first
        else { return nil }
        return try Self.macKeyRecord(row)
    }

    public func macKeys(owner: MACKeyRecord.Owner) async throws -> [MACKeyRecord] {
        let (kind, id) = (owner.kind, owner.id)
        return try await database.query(
            """
            SELECT key_id, owner_kind, owner_id, key, created_at, expires_at, retired_at
            FROM mac_key WHERE owner_kind = \(kind) AND owner_id = \(id)
            ORDER BY created_at ASC NULLS FIRST, key_id
            """
        ).map(Self.macKeyRecord)
    }

    public func expireMACKey(id keyID: String, at date: Date) async throws {
        try await database.transaction { transaction in
            guard
                let row = try await transaction.query(
                    "SELECT retired_at FROM mac_key WHERE key_id = \(keyID) FOR UPDATE"
                ).first
            else { throw SettlementStoreError.unknownKey(keyID) }
            guard try row.decode(Date?.self) == nil else { throw SettlementStoreError.keyRetired(keyID) }
            try await transaction.query("UPDATE mac_key SET expires_at = \(date) WHERE key_id = \(keyID)")
        }
    }

    public func retireMACKey(id keyID: String, at now: Date) async throws {
        let retired = try await database.query(
            "UPDATE mac_key SET retired_at = coalesce(retired_at, \(now)) WHERE key_id = \(keyID) RETURNING key_id"
        )
        guard retired.count == 1 else { throw SettlementStoreError.unknownKey(keyID) }
    }

    public func revokeCertificate(fingerprint: String, at now: Date) async throws -> MACKeyRecord.Owner {
        let lowercased = fingerprint.lowercased()
        guard
            let row = try await database.query(
                """
                UPDATE client_certificate SET revoked_at = coalesce(revoked_at, \(now))
                WHERE fingerprint = \(lowercased) RETURNING owner_kind, owner_id
                """
            ).first
        else { throw SettlementStoreError.unknownCertificate(lowercased) }
        let (kind, ownerID) = try row.decode((String, String).self)
        return kind == "merchant" ? .merchant(ownerID) : .user(ownerID)
    }

    private static func macKeyRecord(_ row: PostgresRow) throws -> MACKeyRecord {
        let (keyID, kind, ownerID, key, created, expires, retired) = try row.decode(
            (String, String, String, Data, Date?, Date?, Date?).self)
        return MACKeyRecord(
            keyID: keyID, owner: kind == "merchant" ? .merchant(ownerID) : .user(ownerID), key: Array(key),
            createdAt: created, expiresAt: expires, retiredAt: retired)
    }

    private func addMACKey(ownerKind: String, ownerID: String, keyID: String, key: [UInt8]) async throws {
        let keyData = Data(key)
        try await database.transaction { transaction in
            try await Self.requireOwner(transaction, kind: ownerKind, id: ownerID)
            try await transaction.query(
                """
                INSERT INTO mac_key (key_id, owner_kind, owner_id, key, created_at)
                VALUES (\(keyID), \(ownerKind), \(ownerID), \(keyData), \(Date()))
                """)
        }
    }

    private func addCertificate(ownerKind: String, ownerID: String, fingerprint: String) async throws {
        let lowercased = fingerprint.lowercased()
        try await database.transaction { transaction in
            try await Self.requireOwner(transaction, kind: ownerKind, id: ownerID)
            try await transaction.query(
                """
                INSERT INTO client_certificate (fingerprint, owner_kind, owner_id)
                VALUES (\(lowercased), \(ownerKind), \(ownerID))
                """)
        }
    }

    private static func requireOwner(
        _ transaction: PostgresTransaction, kind: String, id: String
    ) async throws {
        let rows =
            kind == "merchant"
            ? try await transaction.query("SELECT 1 FROM merchant WHERE id = \(id)")
            : try await transaction.query("SELECT 1 FROM app_user WHERE id = \(id)")
        guard !rows.isEmpty else { throw SettlementStoreError.unknownOwner(id) }
    }

    /// A merchant and everything enrolled for it in one statement, a row per part tagged by
    /// `part`: the merchant itself, each MAC key, each certificate fingerprint, each lane. A single
    /// statement reads one snapshot, so the parts agree with each other (the separate statements
    /// of a READ COMMITTED transaction each read their own).
    static func merchantQuery(id: String) -> PostgresQuery {
        """
        SELECT 'merchant' AS part, acquirer_merchant_id AS a, terminal_id AS b, push_url AS c,
            push_secret AS d, capture_mode AS e
            FROM merchant WHERE id = \(id)
        UNION ALL SELECT 'key', key_id, NULL, NULL, key, NULL
            FROM mac_key WHERE owner_kind = 'merchant' AND owner_id = \(id)
        UNION ALL SELECT 'certificate', fingerprint, NULL, NULL, NULL, NULL
            FROM client_certificate WHERE owner_kind = 'merchant' AND owner_id = \(id) AND revoked_at IS NULL
        UNION ALL SELECT 'lane', lane_id, terminal_id, push_url, push_secret, NULL
            FROM merchant_lane WHERE merchant_id = \(id)
        """
    }

    static func merchant(id: String, from rows: [PostgresRow]) throws -> MerchantCredentials? {
        var merchant:
            (acquirerID: String, terminalID: String?, pushURL: String?, pushSecret: Data?, capture: String)?
        var keys: [String: [UInt8]] = [:]
        var fingerprints: [String] = []
        var lanes: [String: MerchantLane] = [:]
        for row in rows {
            let (part, a, b, c, d, e) = try row.decode(
                (String, String?, String?, String?, Data?, String?).self)
            switch part {
            case "merchant":
                merchant = (a ?? "", b, c, d, e ?? "")
            case "key":
                if let a, let d { keys[a] = Array(d) }
            case "certificate":
                if let a { fingerprints.append(a) }
            default:
                if let a, let b {
                    lanes[a] = MerchantLane(
                        laneID: a, terminalID: b, pushURL: c, pushSecret: d.map { Array($0) })
                }
            }
        }
        guard let merchant else { return nil }
        return MerchantCredentials(
            id: id, macKeys: keys, certificateFingerprints: fingerprints.sorted(), pushURL: merchant.pushURL,
            pushSecret: merchant.pushSecret.map { Array($0) }, acquirerMerchantID: merchant.acquirerID,
            terminalID: merchant.terminalID,
            captureMode: CaptureMode(rawValue: merchant.capture) ?? .endOfDay,
            lanes: lanes)
    }

    /// A user and its MAC keys and certificate fingerprints in one statement, as
    /// ``merchantQuery(id:)``.
    static func userQuery(id: String) -> PostgresQuery {
        """
        SELECT 'user' AS part, password_hash AS a, NULL::bytea AS d, failed_attempts AS n, locked_until AS t
            FROM app_user WHERE id = \(id)
        UNION ALL SELECT 'key', key_id, key, NULL, NULL
            FROM mac_key WHERE owner_kind = 'user' AND owner_id = \(id)
        UNION ALL SELECT 'certificate', fingerprint, NULL, NULL, NULL
            FROM client_certificate WHERE owner_kind = 'user' AND owner_id = \(id) AND revoked_at IS NULL
        """
    }

    static func user(id: String, from rows: [PostgresRow]) throws -> UserCredentials? {
        var user: (hash: String?, failures: Int64, lockedUntil: Date?)?
        var keys: [String: [UInt8]] = [:]
        var fingerprints: [String] = []
        for row in rows {
            let (part, a, d, n, t) = try row.decode((String, String?, Data?, Int64?, Date?).self)
            switch part {
            case "user":
                user = (a, n ?? 0, t)
            case "key":
                if let a, let d { keys[a] = Array(d) }
            default:
                if let a { fingerprints.append(a) }
            }
        }
        guard let user else { return nil }
        return UserCredentials(
            id: id, macKeys: keys, certificateFingerprints: fingerprints.sorted(),
            hasPassword: user.hash != nil,
            failedAttempts: Int(user.failures), lockedUntil: user.lockedUntil)
    }

    private func certificateOwner(fingerprint: String, kind: String) async throws -> String? {
        try await database.query(
            """
            SELECT owner_id FROM client_certificate WHERE fingerprint = \(fingerprint.lowercased())
                AND owner_kind = \(kind) AND revoked_at IS NULL
            """
        ).first.map { try $0.decode(String.self) }
    }
}
