import DaemonSupport
import Foundation
import Register
import StoreGateway

extension RegisterdSettings {
    /// The settlement gateway's settings from the options over the file (keys of
    /// docs/IN-STORE-CONTRACT.md), each checked with an error naming the option; nil without
    /// `settlement-url` (the unconfigured gateway).
    static func settlement(
        options: Registerd, file: ConfigurationFile
    ) throws(StoreGatewayConfigurationError) -> StoreGatewayConfiguration? {
        func value(_ given: String?, _ key: String) -> String? { given ?? file[key] }
        func required(
            _ given: String?, _ key: String, _ why: String
        ) throws(StoreGatewayConfigurationError) -> String {
            guard let found = value(given, key), !found.isEmpty else {
                throw .missing(option: key, reason: why)
            }
            return found
        }
        func number(
            _ given: Int?, _ key: String, default fallback: Int
        ) throws(StoreGatewayConfigurationError) -> Int {
            if let given { return given }
            guard let text = file[key] else { return fallback }
            guard let parsed = Int(text) else {
                throw .invalid(option: key, reason: "must be a whole number, not '\(text)'")
            }
            return parsed
        }

        let settlementKeys = [
            "settlement-ca", "merchant-id", "store-auth", "server-public-key", "result-paths", "relay-listen",
            "push-listen",
        ]
        guard let url = value(options.settlementURL, "settlement-url") else {
            if let stray = settlementKeys.first(where: { file[$0] != nil }) {
                throw .missing(option: "settlement-url", reason: "when \(stray) is set")
            }
            return nil
        }
        let withSettlement = "with settlement-url"
        let ca = try required(
            options.settlementCA, "settlement-ca", withSettlement + " (the CA of settlementd's certificate)")
        let merchant = try required(options.merchantID, "merchant-id", withSettlement)
        let authName = try required(options.storeAuth, "store-auth", withSettlement + ": mtls or mac")
        let authentication: StoreAuthentication
        switch authName {
        case "mtls":
            authentication = .mutualTLS(
                certificatePath: try required(options.clientCert, "client-cert", "with store-auth mtls"),
                keyPath: try required(options.clientKey, "client-key", "with store-auth mtls"))
        case "mac":
            let keyID = try required(options.macKeyID, "mac-key-id", "with store-auth mac")
            let keyFile = try required(options.macKeyFile, "mac-key-file", "with store-auth mac")
            authentication = .mac(
                keyID: keyID, key: try SecretFile.readSecretHex(keyFile, option: "mac-key-file"))
        default:
            throw .invalid(option: "store-auth", reason: "must be mtls or mac, not '\(authName)'")
        }
        let keyFile = try required(options.serverPublicKey, "server-public-key", withSettlement)
        let publicKey = try SecretFile.readPublicKey(keyFile, option: "server-public-key")
        let paths =
            try value(options.resultPaths, "result-paths").map {
                text throws(StoreGatewayConfigurationError) in
                try StoreGatewayConfiguration.parseResultPaths(text)
            } ?? StoreGatewayConfiguration.defaultResultPaths

        // A listener for a path that is not enabled would never be used: say so rather than ignore it.
        let listeners: [(path: ResultSource, option: String, given: String?)] = [
            (.relay, "relay-listen", value(options.relayListen, "relay-listen")),
            (.push, "push-listen", value(options.pushListen, "push-listen")),
        ]
        for listener in listeners where listener.given != nil && !paths.contains(listener.path) {
            let enabled = ResultSource.allCases.filter { paths.contains($0) }.map(\.rawValue)
            throw .invalid(
                option: listener.option,
                reason: "nothing would use it: --result-paths (\(enabled.joined(separator: ","))) has no "
                    + "\(listener.path.rawValue); add it to --result-paths or leave --\(listener.option) out")
        }
        let relayListen = try value(options.relayListen, "relay-listen").map {
            text throws(StoreGatewayConfigurationError) in
            try ListenAddress(parsing: text, option: "relay-listen")
        }
        var push: PushReceiverSettings?
        if let pushText = value(options.pushListen, "push-listen") {
            let listen = try ListenAddress(parsing: pushText, option: "push-listen")
            let cert = try required(options.pushCert, "push-cert", "with push-listen")
            let key = try required(options.pushKey, "push-key", "with push-listen")
            try SecretFile.checkPrivate(key, option: "push-key")
            let secretFile = try required(options.pushSecretFile, "push-secret-file", "with push-listen")
            push = PushReceiverSettings(
                listen: listen, tls: ListenerTLS(certificatePath: cert, keyPath: key),
                secret: try SecretFile.readSecretHex(secretFile, option: "push-secret-file"))
        } else if paths.contains(.push) {
            throw .missing(option: "push-listen", reason: "when result-paths has push")
        }
        let poll = try number(options.pollInterval, "poll-interval-ms", default: 1000)
        guard (100...8000).contains(poll) else {
            throw .invalid(option: "poll-interval-ms", reason: "must be between 100 and 8000, not \(poll)")
        }
        let ttl = try number(options.orderTTL, "order-ttl-seconds", default: 120)
        guard (10...3600).contains(ttl) else {
            throw .invalid(option: "order-ttl-seconds", reason: "must be between 10 and 3600, not \(ttl)")
        }
        let formatName =
            value(options.payloadFormat, "payload-format") ?? PhonePayloadFormat.checkoutURL.rawValue
        guard let format = PhonePayloadFormat(rawValue: formatName) else {
            throw .invalid(option: "payload-format", reason: "must be url or pairpay1, not '\(formatName)'")
        }
        let checkout = value(options.checkoutURL, "checkout-url")
        if let checkout, !Self.isServerURL(checkout) {
            throw .invalid(
                option: "checkout-url",
                reason: "'\(checkout)' must be https://HOST[:PORT], as phones reach settlementd")
        }
        return StoreGatewayConfiguration(
            settlementURL: url, settlementCAPath: ca, merchantID: merchant, authentication: authentication,
            serverPublicKey: publicKey, resultPaths: paths, relayListen: relayListen,
            relayURL: value(options.relayURL, "relay-url"), payloadFormat: format, checkoutURL: checkout,
            push: push, pollInterval: .milliseconds(poll), orderTTLSeconds: ttl)
    }

    /// `https://HOST[:PORT]` with nothing after it.
    static func isServerURL(_ text: String) -> Bool {
        guard let components = URLComponents(string: text), components.scheme == "https",
            let host = components.host, !host.isEmpty, components.user == nil, components.password == nil,
            components.query == nil, components.fragment == nil
        else { return false }
        return components.path.isEmpty || components.path == "/"
    }
}
