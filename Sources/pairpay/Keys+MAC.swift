import ArgumentParser
import Foundation
import Settlement

extension Keys {
    /// `pairpay keys mac ...`: the request-MAC keys of merchants and users (issue 16): list them,
    /// rotate (a new key, the old ones accepted for an overlap), give one an end, retire one at once.
    struct MAC: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mac", abstract: "List, rotate, expire and retire request-MAC keys.",
            discussion: """
                settlementd reads a key on every request, so each change takes effect on every \
                instance at once, without a restart. A rotation is the scheduled way: the new key \
                is printed once, and the old keys keep working for the overlap so that the store or \
                phone can switch. Retire a key at once when it may have leaked.
                """,
            subcommands: [List.self, Rotate.self, Expire.self, Retire.self])

        /// The settlement database, as settlementd has it.
        struct Database: ParsableArguments {
            @Option(
                name: [.customLong("db"), .customLong("database")],
                help: """
                    The settlement database: settlementd's --db SQLite file or its --database \
                    postgres://… URL (password from PAIRPAY_DATABASE_PASSWORD).
                    """)
            var db: String
        }

        /// Whose keys: a merchant or a user.
        struct Owner: ParsableArguments {
            @Option(help: "The merchant whose keys these are.")
            var merchant: String?

            @Option(help: "The user whose keys these are.")
            var user: String?

            func validate() throws {
                guard (merchant == nil) != (user == nil) else {
                    throw ValidationError("give exactly one of --merchant and --user")
                }
            }

            var owner: MACKeyRecord.Owner {
                if let merchant { return .merchant(merchant) }
                return .user(user ?? "")
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List a merchant's or user's keys with their state (never the keys themselves).")

            @OptionGroup var database: Database
            @OptionGroup var owner: Owner

            func run() async throws {
                let store = try await Enrolment.open(database.db)
                let keys = try await store.macKeys(owner: owner.owner)
                guard !keys.isEmpty else {
                    print("\(owner.owner) has no MAC keys")
                    return
                }
                let now = Date()
                for key in keys {
                    let added =
                        key.createdAt.map { "added \(MACKeyState.text($0))" } ?? "added before keys had dates"
                    print("\(key.keyID)  \(key.state(at: now))  \(added)")
                }
            }
        }

        struct Rotate: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Issue a new key (printed once) and give the owner's other usable keys an end.")

            @OptionGroup var database: Database
            @OptionGroup var owner: Owner

            @Option(
                name: .customLong("overlap-seconds"),
                help: "How long the old keys keep working, 0 to 2592000 (30 days); 0 ends them at once.")
            var overlapSeconds: Int = 86_400

            func validate() throws {
                guard (0...2_592_000).contains(overlapSeconds) else {
                    throw ValidationError(
                        "--overlap-seconds must be between 0 and 2592000, not \(overlapSeconds)")
                }
            }

            func run() async throws {
                let store = try await Enrolment.open(database.db)
                let owner = self.owner.owner
                let now = Date()
                // The owner must exist before anything is issued.
                switch owner {
                case .merchant(let id):
                    guard try await store.merchant(id: id) != nil else {
                        throw ValidationError(
                            "no merchant '\(id)': enrol it first with `pairpay enroll merchant`")
                    }
                case .user(let id):
                    guard try await store.user(id: id) != nil else {
                        throw ValidationError("no user '\(id)': enrol it first with `pairpay enroll user`")
                    }
                }
                let old = try await store.macKeys(owner: owner).filter { $0.isUsable(at: now) }
                try await Enrolment.issueMACKey(prefix: owner.kind == "merchant" ? "mk_" : "uk_") {
                    keyID, key in
                    switch owner {
                    case .merchant(let id):
                        try await store.addMerchantMACKey(merchantID: id, keyID: keyID, key: key)
                    case .user(let id): try await store.addUserMACKey(userID: id, keyID: keyID, key: key)
                    }
                }
                let end = now.addingTimeInterval(TimeInterval(overlapSeconds))
                for key in old {
                    // A key that already ends sooner keeps its end.
                    if let expiresAt = key.expiresAt, expiresAt <= end { continue }
                    try await store.expireMACKey(id: key.keyID, at: end)
                    print(
                        "\(key.keyID) \(overlapSeconds == 0 ? "ended" : "works until \(MACKeyState.text(end))")"
                    )
                }
                print("the new key above is shown only now: give it to the \(owner.kind)")
            }
        }

        struct Expire: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Give one key an end: accepted until then, refused after.")

            @OptionGroup var database: Database

            @Option(name: .customLong("key-id"), help: "The key id.")
            var keyID: String

            @Option(
                name: .customLong("in-seconds"), help: "From now, 0 to 2592000 (30 days); 0 ends it at once.")
            var inSeconds: Int

            func validate() throws {
                guard (0...2_592_000).contains(inSeconds) else {
                    throw ValidationError("--in-seconds must be between 0 and 2592000, not \(inSeconds)")
                }
            }

            func run() async throws {
                let store = try await Enrolment.open(database.db)
                let end = Date().addingTimeInterval(TimeInterval(inSeconds))
                do { try await store.expireMACKey(id: keyID, at: end) } catch let error
                    as SettlementStoreError
                {
                    throw ValidationError(error.description)
                }
                print("\(keyID) works until \(MACKeyState.text(end))")
            }
        }

        struct Retire: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Retire one key at once (a leak): every instance refuses it from now on.")

            @OptionGroup var database: Database

            @Option(name: .customLong("key-id"), help: "The key id.")
            var keyID: String

            func run() async throws {
                let store = try await Enrolment.open(database.db)
                do { try await store.retireMACKey(id: keyID, at: Date()) } catch let error
                    as SettlementStoreError
                {
                    throw ValidationError(error.description)
                }
                print("\(keyID) retired")
            }
        }
    }
}
