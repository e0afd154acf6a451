import Hummingbird
import NIOCore

/// The request context of the settlement API: the connection (for the TLS peer certificate)
/// and who the request was authenticated as.
public struct SettlementRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connection the request came on, for its TLS client certificate.
    public let channel: (any Channel)?
    /// Set by the authentication middleware.
    public var party: AuthenticatedParty?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
        self.party = nil
    }

    /// The body limit is enforced by the middleware that reads the body; decoding never exceeds it.
    public var maxUploadSize: Int { 64 * 1024 }
}
