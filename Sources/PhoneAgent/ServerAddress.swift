import Foundation

/// A settlement server's address reduced to what identifies it: scheme, lowercased host and
/// port (443 when not given), so `https://Pay.example` and `https://pay.example:443/` are equal.
struct ServerAddress: Hashable, Sendable {
    let host: String
    let port: Int

    /// `nil` unless `text` is an `https://` URL with a host and no path, query or user.
    init?(_ text: String) {
        guard let components = URLComponents(string: text), components.scheme?.lowercased() == "https",
            let host = components.host, !host.isEmpty, components.user == nil, components.password == nil,
            components.query == nil, components.fragment == nil,
            components.path.isEmpty || components.path == "/"
        else { return nil }
        self.host = host.lowercased()
        self.port = components.port ?? 443
    }
}
