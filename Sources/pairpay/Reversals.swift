import Acquirer
import ArgumentParser
import Foundation
import SettlementPostgres

/// `pairpay reversals ...`: the acquirer's reversals that have not reached the bank.
struct Reversals: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, retry and resolve reversals the bank has not acknowledged.",
        discussion: """
            settlementd sends every reversal (0400, repeated as 0401) until the bank answers. One that \
            can never be sent as it is, is parked and logged at critical: the customer's hold stays at \
            the bank until you act. Safe while settlementd runs (the file is SQLite in WAL mode).
            """,
        subcommands: [List.self, Retry.self, Resolve.self])

    struct StoreOption: ParsableArguments {
        @Option(
            name: .customLong("acquirer-state"),
            help: """
                The acquirer's state: settlementd's --acquirer-state SQLite file, or its --database \
                postgres://… URL (password from PAIRPAY_DATABASE_PASSWORD).
                """)
        var path: String

        func open() async throws -> any AcquirerStore {
            if let pool = try await StoreLocation.postgres(path) {
                return try await PostgresAcquirerStore(database: pool)
            }
            guard FileManager.default.fileExists(atPath: path) else {
                throw ValidationError(
                    "no acquirer state at \(path): give settlementd's --acquirer-state file")
            }
            return try SQLiteAcquirerStore(path: path)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List reversals: outstanding ones (pending, parked) first.",
            discussion: """
                Columns: AUTHORIZATION, ORDER, MERCHANT (field 42), AMOUNT (minor units and the ISO 4217 \
                numeric code), CARD (masked), STATE (pending, parked, resolved, acknowledged), ATTEMPTS, \
                REASON (why it was parked, or the resolution note). Exits 1 when any is parked.
                """)

        @OptionGroup var store: StoreOption

        @Flag(help: "Also list reversals the bank acknowledged.")
        var all = false

        func run() async throws {
            let records = try await store.open().reversals().filter { all || $0.state != .acknowledged }
            print("AUTHORIZATION\tORDER\tMERCHANT\tAMOUNT\tCARD\tSTATE\tATTEMPTS\tREASON")
            for record in records {
                let merchant = record.merchant.trimmingCharacters(in: .whitespaces)
                print(
                    "\(record.authorizationID)\t\(record.orderID)\t\(merchant)\t\(record.amount) \(record.currency)\t\(record.maskedPAN)\t\(record.state.rawValue)\t\(record.attempts)\t\(record.reason ?? "")"
                )
            }
            if records.contains(where: { $0.state == .parked }) { throw ExitCode(1) }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put a parked reversal back in the queue (after fixing its cause).",
            discussion: "settlementd's retry loop sends it within its retry interval (30 s).")

        @OptionGroup var store: StoreOption

        @Argument(help: "The authorization id, from `pairpay reversals list`.")
        var authorization: Int64

        func run() async throws {
            do { try await store.open().retryReversal(authorization) } catch let error as ReversalActionError
            {
                throw ValidationError(error.description)
            }
            print("reversal of authorization #\(authorization) queued again")
        }
    }

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record that an outstanding reversal was settled with the bank outside PairPay.",
            discussion: "It leaves the queue for good; the note is kept with it.")

        @OptionGroup var store: StoreOption

        @Argument(help: "The authorization id, from `pairpay reversals list`.")
        var authorization: Int64

        @Option(help: "How it was settled, for example the bank's reference.")
        var note: String

        func run() async throws {
            do {
                try await store.open().resolveReversal(authorization, note: note)
            } catch let error as ReversalActionError {
                throw ValidationError(error.description)
            }
            print("reversal of authorization #\(authorization) resolved: \(note)")
        }
    }
}
