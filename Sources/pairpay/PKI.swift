import ArgumentParser
import PairPayPKI

/// `pairpay pki ...`: the test CA and its certificates.
struct PKI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Make a test CA, the server certificate and client certificates (P-256, PEM; no openssl needed).",
        subcommands: [Initialize.self, Client.self, Server.self, Revoke.self])

    struct Initialize: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Create DIR/ca.pem, DIR/ca-key.pem, DIR/server.pem and DIR/server-key.pem.",
            discussion:
                "Nothing is overwritten: an existing file stops the command. Keys are written mode 0600.")

        @Option(help: "Directory for the PEM files (created if missing).")
        var dir: String

        @Option(
            name: .customLong("dns-name"),
            help: "DNS name in the server certificate (repeatable; default localhost).")
        var dnsNames: [String] = []

        @Option(
            name: .customLong("ip"),
            help: "IPv4 address in the server certificate (repeatable; default 127.0.0.1).")
        var ipAddresses: [String] = []

        func run() async throws {
            let written = try PKIDirectory(path: dir).initialize(
                serverDNSNames: dnsNames.isEmpty ? ["localhost"] : dnsNames,
                serverIPAddresses: ipAddresses.isEmpty ? ["127.0.0.1"] : ipAddresses)
            for path in written { print("wrote \(path)") }
            print(
                "give settlementd --tls-cert \(dir)/server.pem --tls-key \(dir)/server-key.pem --client-ca \(dir)/ca.pem"
            )
        }
    }

    struct Client: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a client certificate for a store (merchant) or a user's phone.",
            discussion:
                "Writes DIR/clients/NAME.pem and NAME-key.pem and prints the SHA-256 fingerprint the server maps to the id."
        )

        @Option(help: "Directory made by `pairpay pki init`.")
        var dir: String

        @Option(help: "The merchant or user id the certificate is for.")
        var name: String

        @Option(help: "merchant or user.")
        var kind: ClientKind

        func validate() throws {
            try PKI.validateFileName(name)
        }

        func run() async throws {
            let issued = try PKIDirectory(path: dir).issueClient(id: name, kind: kind)
            print("wrote \(issued.certificatePath)")
            print("wrote \(issued.keyPath)")
            print("sha256 fingerprint \(issued.fingerprint)")
        }
    }
}

extension PKI {
    /// `--name` becomes a file name: letters, digits, '-', '_' or '.' only.
    static func validateFileName(_ name: String) throws {
        guard !name.isEmpty,
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
        else {
            throw ValidationError("--name must be letters, digits, '-', '_' or '.' (it becomes a file name)")
        }
    }

    struct Server: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue another server certificate, e.g. for registerd's push receiver.",
            discussion: """
                Writes DIR/servers/NAME.pem and NAME-key.pem (mode 0600), signed by the CA of \
                `pairpay pki init`. Give them to registerd as push-cert and push-key; settlementd \
                trusts them through --push-ca (default: its --client-ca).
                """)

        @Option(help: "Directory made by `pairpay pki init`.")
        var dir: String

        @Option(help: "A name for the files, e.g. registerd.")
        var name: String

        @Option(
            name: .customLong("dns-name"),
            help: "DNS name in the certificate (repeatable; default localhost).")
        var dnsNames: [String] = []

        @Option(
            name: .customLong("ip"), help: "IPv4 address in the certificate (repeatable; default 127.0.0.1).")
        var ipAddresses: [String] = []

        func validate() throws {
            try PKI.validateFileName(name)
        }

        func run() async throws {
            let issued = try PKIDirectory(path: dir).issueServer(
                name: name, dnsNames: dnsNames.isEmpty ? ["localhost"] : dnsNames,
                ipAddresses: ipAddresses.isEmpty ? ["127.0.0.1"] : ipAddresses)
            print("wrote \(issued.certificatePath)")
            print("wrote \(issued.keyPath)")
        }
    }
}

extension ClientKind: ExpressibleByArgument {}
