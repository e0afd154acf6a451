import ArgumentParser

/// The writes `pairpay enroll` and `pairpay vault` make through the settlement store.
enum Enrolment {
    static func enrollMerchant(
        db: String, id: String, certificatePath: String?, pushURL: String?
    ) async throws {
        throw ValidationError(
            "enrolment needs the settlement store, which is not built into this pairpay yet")
    }

    static func enrollUser(db: String, id: String, password: String?, certificatePath: String?) async throws {
        throw ValidationError(
            "enrolment needs the settlement store, which is not built into this pairpay yet")
    }

    static func vaultCard(
        db: String, vaultKeyPath: String, user: String, pan: String, expiry: String
    ) async throws {
        throw ValidationError(
            "the vault needs the settlement store, which is not built into this pairpay yet")
    }
}
