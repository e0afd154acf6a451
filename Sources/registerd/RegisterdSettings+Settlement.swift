import DaemonSupport
import Register
import StoreGateway

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension RegisterdSettings {
    /// The settlement gateway's settings from the options (keys of docs/IN-STORE-CONTRACT.md),
    /// each checked with an error naming the option; nil without `settlement-url` (the
    /// unconfigured gateway).
    static func settlement(
        options: Registerd
    ) throws(StoreGatewayConfigurationError) -> StoreGatewayConfiguration? {
        func required(
            _ given: String?, _ key: String, _ why: String
        ) throws(StoreGatewayConfigurationError) -> String {
            guard let given, !given.isEmpty else { throw .missing(option: key, reason: why) }
            return given
        }

        guard let url = options.settlementURL else {
            // A setting of the gateway without the gateway is a mistake: say which (a setting with a
            // default counts when it differs from it).
            let defaultPaths =
                (try? StoreGatewayConfiguration.parseResultPaths(options.resultPaths))
                == StoreGatewayConfiguration.defaultResultPaths
            let stray: [(String, Bool)] = [
                ("settlement-ca", options.settlementCA != nil), ("merchant-id", options.merchantID != nil),
                ("store-auth", options.storeAuth != nil), ("client-cert", options.clientCert != nil),
                ("client-key", options.clientKey != nil), ("mac-key-id", options.macKeyID != nil),
                ("mac-key-file", options.macKeyFile != nil),
                ("server-public-key", options.serverPublicKey != nil),
                ("result-paths", !defaultPaths), ("relay-listen", options.relayListen != nil),
                ("relay-url", options.relayURL != nil),
                ("payload-format", options.payloadFormat != .checkoutURL),
                ("checkout-url", options.checkoutURL != nil), ("push-listen", options.pushListen != nil),
                ("push-cert", options.pushCert != nil), ("push-key", options.pushKey != nil),
                ("push-secret-file", options.pushSecretFile != nil),
                ("poll-interval-ms", options.pollInterval != Registerd.defaultPollIntervalMilliseconds),
                ("order-ttl-seconds", options.orderTTL != Registerd.defaultOrderTTLSeconds),
            ]
            if let (key, _) = stray.first(where: { $0.1 }) {
                throw .missing(option: "settlement-url", reason: "when \(key) is set")
            }
            return nil
        }
        let withSettlement = "with settlement-url"
        let ca = try required(
            options.settlementCA, "settlement-ca", withSettlement + " (the CA of settlementd's certificate)")
        let merchant = try required(options.merchantID, "merchant-id", withSettlement)
        guard let method = options.storeAuth else {
            throw .missing(option: "store-auth", reason: withSettlement + ": mtls or mac")
        }
        let authentication: StoreAuthentication
        switch method {
        case .mtls:
            authentication = .mutualTLS(
                certificatePath: try required(options.clientCert, "client-cert", "with store-auth mtls"),
                keyPath: try required(options.clientKey, "client-key", "with store-auth mtls"))
        case .mac:
            let keyID = try required(options.macKeyID, "mac-key-id", "with store-auth mac")
            let keyFile = try required(options.macKeyFile, "mac-key-file", "with store-auth mac")
            authentication = .mac(
                keyID: keyID, key: try SecretFile.readSecretHex(keyFile, option: "mac-key-file"))
        }
        let keyFile = try required(options.serverPublicKey, "server-public-key", withSettlement)
        let publicKey = try SecretFile.readPublicKey(keyFile, option: "server-public-key")
        let paths = try StoreGatewayConfiguration.parseResultPaths(options.resultPaths)

        // A listener for a path that is not enabled would never be used: say so rather than ignore it.
        let listeners: [(path: ResultSource, option: String, given: String?)] = [
            (.relay, "relay-listen", options.relayListen),
            (.push, "push-listen", options.pushListen),
        ]
        for listener in listeners where listener.given != nil && !paths.contains(listener.path) {
            let enabled = ResultSource.allCases.filter { paths.contains($0) }.map(\.rawValue)
            throw .invalid(
                option: listener.option,
                reason: "nothing would use it: --result-paths (\(enabled.joined(separator: ","))) has no "
                    + "\(listener.path.rawValue); add it to --result-paths or leave --\(listener.option) out")
        }
        let relayListen = try options.relayListen.map {
            text throws(StoreGatewayConfigurationError) in
            try ListenAddress(parsing: text, option: "relay-listen")
        }
        var push: PushReceiverSettings?
        if let pushText = options.pushListen {
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
        let poll = options.pollInterval
        guard (100...8000).contains(poll) else {
            throw .invalid(option: "poll-interval-ms", reason: "must be between 100 and 8000, not \(poll)")
        }
        let ttl = options.orderTTL
        guard (10...3600).contains(ttl) else {
            throw .invalid(option: "order-ttl-seconds", reason: "must be between 10 and 3600, not \(ttl)")
        }
        let checkout = options.checkoutURL
        if let checkout, !Self.isServerURL(checkout) {
            throw .invalid(
                option: "checkout-url",
                reason: "'\(checkout)' must be https://HOST[:PORT], as phones reach settlementd")
        }
        return StoreGatewayConfiguration(
            settlementURL: url, settlementCAPath: ca, merchantID: merchant, authentication: authentication,
            serverPublicKey: publicKey, resultPaths: paths, relayListen: relayListen,
            relayURL: options.relayURL, payloadFormat: options.payloadFormat, checkoutURL: checkout,
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
