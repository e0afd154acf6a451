import ArgumentParser
import Foundation
import Settlement

extension PKI {
    /// `pairpay pki revoke`: a client certificate stops authenticating anyone (issue 16).
    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a store's or phone's client certificate in the settlement database.",
            discussion: """
                settlementd looks the certificate's fingerprint up on every request, so the revocation \
                takes effect on every instance at once, without a restart: a request over a TLS \
                connection with that certificate is refused (401) although the CA's signature still \
                verifies. A revoked certificate cannot be enrolled again: issue a new one \
                (`pairpay pki client`) and enrol it.
                """)

        @OptionGroup var database: Keys.MAC.Database

        @Option(help: "The certificate (PEM) to revoke.")
        var certificate: String?

        @Option(help: "Or its SHA-256 fingerprint: 64 hex digits of the DER.")
        var fingerprint: String?

        func validate() throws {
            guard (certificate == nil) != (fingerprint == nil) else {
                throw ValidationError("give exactly one of --certificate and --fingerprint")
            }
            if let fingerprint {
                guard fingerprint.count == 64, fingerprint.allSatisfy(\.isHexDigit) else {
                    throw ValidationError(
                        "--fingerprint must be 64 hex digits (SHA-256 of the certificate's DER)")
                }
            }
        }

        func run() async throws {
            let fingerprint = try self.fingerprint ?? Enrolment.fingerprint(of: certificate ?? "")
            let store = try await Enrolment.open(database.db)
            let owner: MACKeyRecord.Owner
            do { owner = try await store.revokeCertificate(fingerprint: fingerprint, at: Date()) } catch let
                error
                as SettlementStoreError
            {
                throw ValidationError(error.description)
            }
            print("certificate \(fingerprint.lowercased()) of \(owner) revoked")
        }
    }
}
