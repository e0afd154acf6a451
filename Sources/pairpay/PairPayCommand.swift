import ArgumentParser

/// `pairpay`: the operator's tool for the settlement server.
@main
struct PairPayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pairpay",
        abstract: "Operator tool for PairPay: PKI, keys, enrolment, the card vault, and the end-to-end demo.",
        discussion: """
            A first set-up on one machine:
              pairpay pki init --dir run/pki
              pairpay pki client --dir run/pki --name shop-1 --kind merchant
              pairpay keys server-signing --out run/result-signing.key
              pairpay enroll merchant --db run/settlement.sqlite --id shop-1 \\
                  --certificate run/pki/clients/shop-1.pem --push-url https://shop.example:8444/v1/push
              pairpay enroll user --db run/settlement.sqlite --id alice --password-stdin
            Secrets (MAC keys, push secrets) are printed once; store them where the client runs.

            See it all work on one machine: pairpay demo
            """,
        version: "0.1.0",
        subcommands: [
            PKI.self, Keys.self, Enroll.self, VaultCommand.self, Reversals.self, Reconcile.self, Demo.self,
            Soak.self,
            QRCommand.self,
        ])
}
