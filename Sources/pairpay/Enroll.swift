import ArgumentParser
import Foundation
import PairPayCore
import Settlement

/// `pairpay enroll ...`: merchants and users the server accepts.
struct Enroll: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Enrol a store (merchant) or a user in the settlement database.",
        subcommands: [Merchant.self, Lane.self, User.self])

    struct Merchant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Enrol a merchant: prints a new MAC key id and key (hex) once, and a push secret if --push-url is given."
        )

        @Option(
            name: [.customLong("db"), .customLong("database")],
            help: """
                The settlement database: settlementd's --db SQLite file (created if missing) or its \
                --database postgres://… URL (password from PAIRPAY_DATABASE_PASSWORD).
                """)
        var db: String

        @Option(help: "The merchant id (1-32 characters from A-Z a-z 0-9 - . _ ~).")
        var id: String

        @Option(help: "A client certificate (PEM) the store authenticates with (mutual TLS).")
        var certificate: String?

        @Option(name: .customLong("push-url"), help: "HTTPS endpoint results are pushed to (result path 2).")
        var pushURL: String?

        @Option(
            name: .customLong("acquirer-merchant-id"),
            help: "ISO 8583 field 42 for this merchant (up to 15 characters; default: the merchant id).")
        var acquirerMerchantID: String?

        @Option(
            name: .customLong("terminal-id"),
            help:
                "ISO 8583 field 41 for this merchant (up to 8 characters; default: settlementd --terminal-id)."
        )
        var terminalID: String?

        @Option(
            help:
                "When approved sales are captured: end-of-day (at POST /v1/batches/close) or immediate (right after the approval). Default: end-of-day for a new merchant; an existing one keeps its setting."
        )
        var capture: CaptureMode?

        func validate() throws {
            // Merchant ids stand in orders and in URLs: an id orders cannot carry is refused here,
            // not found out at the first order.
            guard OrderContents.isValidIdentifier(id, maxLength: 32) else {
                throw ValidationError("--id must be 1-32 characters from A-Z a-z 0-9 - . _ ~ (not . or ..)")
            }
            if let acquirerMerchantID, acquirerMerchantID.isEmpty || acquirerMerchantID.count > 15 {
                throw ValidationError("--acquirer-merchant-id must be 1-15 characters")
            }
            if let terminalID, terminalID.isEmpty || terminalID.count > 8 {
                throw ValidationError("--terminal-id must be 1-8 characters")
            }
            if let pushURL, !pushURL.lowercased().hasPrefix("https://") {
                throw ValidationError("--push-url must be an https:// URL")
            }
        }

        func run() async throws {
            try await Enrolment.enrollMerchant(
                db: db, id: id, certificatePath: certificate, pushURL: pushURL,
                acquirerMerchantID: acquirerMerchantID, terminalID: terminalID, capture: capture)
        }
    }

    struct Lane: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Add a register lane (one registerd) to a merchant, with its own ISO 8583 terminal id and push endpoint; prints the lane's push secret once if --push-url is given.",
            discussion: """
                The lane id is the registerd's --terminal-id. Once a merchant has one lane, every                 registerd of it must be enrolled as a lane: settlementd refuses an order naming an                 unknown lane. Run again to change the terminal id or push endpoint.
                """)

        @Option(
            name: [.customLong("db"), .customLong("database")],
            help:
                "The settlement database: settlementd's --db SQLite file or its --database postgres://… URL.")
        var db: String

        @Option(help: "The merchant id the lane belongs to (enrolled already).")
        var merchant: String

        @Option(
            help:
                "The lane id: the lane registerd's --terminal-id (1-32 characters from A-Z a-z 0-9 - . _ ~).")
        var lane: String

        @Option(
            name: .customLong("terminal-id"),
            help: "ISO 8583 field 41 for this lane's sales (1-8 characters).")
        var terminalID: String

        @Option(name: .customLong("push-url"), help: "HTTPS endpoint of this lane's registerd push receiver.")
        var pushURL: String?

        func validate() throws {
            guard OrderContents.isValidIdentifier(lane, maxLength: 32) else {
                throw ValidationError("--lane must be 1-32 characters from A-Z a-z 0-9 - . _ ~ (not . or ..)")
            }
            guard (1...8).contains(terminalID.count), terminalID.allSatisfy({ $0.isASCII && !$0.isNewline })
            else {
                throw ValidationError("--terminal-id must be 1-8 ASCII characters")
            }
            if let pushURL, !pushURL.lowercased().hasPrefix("https://") {
                throw ValidationError("--push-url must be an https:// URL")
            }
        }

        func run() async throws {
            try await Enrolment.enrollLane(
                db: db, merchantID: merchant, laneID: lane, terminalID: terminalID, pushURL: pushURL)
        }
    }

    struct User: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Enrol a user: prints a new MAC key (hex) once; optionally sets a password and a client certificate."
        )

        @Option(
            name: [.customLong("db"), .customLong("database")],
            help: """
                The settlement database: settlementd's --db SQLite file (created if missing) or its \
                --database postgres://… URL (password from PAIRPAY_DATABASE_PASSWORD).
                """)
        var db: String

        @Option(help: "The user id (1-64 printable ASCII characters, no spaces, no ':').")
        var id: String

        @Flag(
            name: .customLong("password-stdin"),
            help: "Read the user's password from the first line of standard input.")
        var passwordStdin = false

        @Option(help: "A client certificate (PEM) the user's phone authenticates with (mutual TLS).")
        var certificate: String?

        func validate() throws {
            // HTTP Basic cannot carry a ':' in the user id, and the payment page's guest payer has
            // one, so no user can ever be taken for it.
            guard (1...64).contains(id.utf8.count),
                id.utf8.allSatisfy({ (0x21...0x7E).contains($0) && $0 != 0x3A })
            else {
                throw ValidationError("--id must be 1-64 printable ASCII characters without spaces or ':'")
            }
        }

        func run() async throws {
            var password: String?
            if passwordStdin {
                guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                    throw ValidationError("--password-stdin: standard input had no password line")
                }
                password = line
            }
            try await Enrolment.enrollUser(db: db, id: id, password: password, certificatePath: certificate)
        }
    }
}
extension CaptureMode: ExpressibleByArgument {}
