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

    public func merchant(id: String) async throws -> MerchantCredentials? {
        try await database.transaction { transaction in try await Self.merchant(transaction, id: id) }
    }

    public func merchantByCertificateFingerprint(_ fingerprint: String) async throws -> MerchantCredentials? {
        try await database.transaction { transaction in
            guard
                let id = try await Self.certificateOwner(
                    transaction, fingerprint: fingerprint, kind: "merchant")
            else { return nil }
            return try await Self.merchant(transaction, id: id)
        }
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

    public func user(id: String) async throws -> UserCredentials? {
        try await database.transaction { transaction in try await Self.user(transaction, id: id) }
    }

    public func userByCertificateFingerprint(_ fingerprint: String) async throws -> UserCredentials? {
        try await database.transaction { transaction in
            guard
                let id = try await Self.certificateOwner(transaction, fingerprint: fingerprint, kind: "user")
            else { return nil }
            return try await Self.user(transaction, id: id)
        }
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
                "SELECT owner_kind, owner_id, key FROM mac_key WHERE key_id = \(keyID)"
            ).first
        else { return nil }
        let (kind, ownerID, key) = try row.decode((String, String, Data).self)
        return MACKeyRecord(
            keyID: keyID, owner: kind == "merchant" ? .merchant(ownerID) : .user(ownerID), key: Array(key))
    }

    private func addMACKey(ownerKind: String, ownerID: String, keyID: String, key: [UInt8]) async throws {
        let keyData = Data(key)
        try await database.transaction { transaction in
            try await Self.requireOwner(transaction, kind: ownerKind, id: ownerID)
            try await transaction.query(
                """
                INSERT INTO mac_key (key_id, owner_kind, owner_id, key)
                VALUES (\(keyID), \(ownerKind), \(ownerID), \(keyData))
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

    private static func keys(
        _ transaction: PostgresTransaction, kind: String, id: String
    ) async throws
        -> [String: [UInt8]]
    {
        var keys: [String: [UInt8]] = [:]
        for row in try await transaction.query(
            "SELECT key_id, key FROM mac_key WHERE owner_kind = \(kind) AND owner_id = \(id)")
        {
            let (keyID, key) = try row.decode((String, Data).self)
            keys[keyID] = Array(key)
        }
        return keys
    }

    private static func fingerprints(
        _ transaction: PostgresTransaction, kind: String, id: String
    ) async throws
        -> [String]
    {
        try await transaction.query(
            """
            SELECT fingerprint FROM client_certificate WHERE owner_kind = \(kind) AND owner_id = \(id)
            ORDER BY fingerprint
            """
        ).map { try $0.decode(String.self) }
    }

    private static func merchant(
        _ transaction: PostgresTransaction, id: String
    ) async throws
        -> MerchantCredentials?
    {
        guard
            let row = try await transaction.query(
                """
                SELECT acquirer_merchant_id, terminal_id, push_url, push_secret, capture_mode FROM merchant
                WHERE id = \(id)
                """
            ).first
        else { return nil }
        let (acquirerID, terminalID, pushURL, pushSecret, capture) = try row.decode(
            (String, String?, String?, Data?, String).self)
        return MerchantCredentials(
            id: id, macKeys: try await keys(transaction, kind: "merchant", id: id),
            certificateFingerprints: try await fingerprints(transaction, kind: "merchant", id: id),
            pushURL: pushURL, pushSecret: pushSecret.map { Array($0) }, acquirerMerchantID: acquirerID,
            terminalID: terminalID, captureMode: CaptureMode(rawValue: capture) ?? .endOfDay,
            lanes: try await lanes(transaction, merchantID: id))
    }

    private static func lanes(
        _ transaction: PostgresTransaction, merchantID: String
    ) async throws
        -> [String: MerchantLane]
    {
        var lanes: [String: MerchantLane] = [:]
        for row in try await transaction.query(
            "SELECT lane_id, terminal_id, push_url, push_secret FROM merchant_lane WHERE merchant_id = \(merchantID)"
        ) {
            let (laneID, terminalID, pushURL, pushSecret) = try row.decode(
                (String, String, String?, Data?).self)
            lanes[laneID] = MerchantLane(
                laneID: laneID, terminalID: terminalID, pushURL: pushURL,
                pushSecret: pushSecret.map { Array($0) })
        }
        return lanes
    }

    private static func user(_ transaction: PostgresTransaction, id: String) async throws -> UserCredentials?
    {
        guard
            let row = try await transaction.query(
                "SELECT password_hash, failed_attempts, locked_until FROM app_user WHERE id = \(id)"
            ).first
        else { return nil }
        let (hash, failures, lockedUntil) = try row.decode((String?, Int64, Date?).self)
        return UserCredentials(
            id: id, macKeys: try await keys(transaction, kind: "user", id: id),
            certificateFingerprints: try await fingerprints(transaction, kind: "user", id: id),
            hasPassword: hash != nil, failedAttempts: Int(failures), lockedUntil: lockedUntil)
    }

    private static func certificateOwner(
        _ transaction: PostgresTransaction, fingerprint: String, kind: String
    ) async throws -> String? {
        try await transaction.query(
            """
            SELECT owner_id FROM client_certificate WHERE fingerprint = \(fingerprint.lowercased())
                AND owner_kind = \(kind)
            """
        ).first.map { try $0.decode(String.self) }
    }
}
