/// A `host:port` a listener binds to; port 0 picks a free port.
public struct ListenAddress: Equatable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String = "127.0.0.1", port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`, `:port` or `port` (host 127.0.0.1).
    /// - Throws: ``StoreGatewayConfigurationError`` naming `option`.
    public init(parsing text: String, option: String) throws(StoreGatewayConfigurationError) {
        let host: Substring
        let portText: Substring
        if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        } else {
            host = ""
            portText = Substring(text)
        }
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw .invalid(
                option: option,
                reason: "'\(text)' must be HOST:PORT with a port from 0 to 65535 (0 picks a free one)")
        }
        guard !host.contains(" ") else {
            throw .invalid(option: option, reason: "'\(text)' must be HOST:PORT without spaces")
        }
        self.init(host: host.isEmpty ? "127.0.0.1" : String(host), port: port)
    }

    public var description: String { "\(host):\(port)" }
}
