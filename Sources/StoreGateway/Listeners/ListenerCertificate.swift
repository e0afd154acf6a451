import DaemonSupport
import NIOSSL
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The certificate and key one of the gateway's TLS listeners (the push receiver, a relay
/// endpoint with TLS) presents, read again on registerd's SIGHUP (issue 16): a usable pair
/// reaches the next connection, one that cannot be used leaves the old pair in place.
public final class ListenerCertificate: Sendable {
    /// `push` or `relay`: the options are `<prefix>-cert` and `<prefix>-key`.
    public let option: String
    /// Where the pair is read from.
    public let files: ListenerTLS
    /// What new connections get.
    let context: ReloadableTLSContext
    private let ending: Mutex<Date>

    /// - Throws: ``StoreGatewayConfigurationError`` naming the option whose file cannot be used.
    init(option: String, files: ListenerTLS) throws(StoreGatewayConfigurationError) {
        self.option = option
        self.files = files
        let (context, notValidAfter) = try files.load(option: option)
        self.context = ReloadableTLSContext(context)
        ending = Mutex(notValidAfter)
    }

    /// The presented certificate's last valid moment.
    public var notValidAfter: Date { ending.withLock { $0 } }

    /// Reads the files again; new connections get the pair from now on.
    /// - Throws: ``StoreGatewayConfigurationError``; the pair presented stays the old one.
    @discardableResult
    public func reload() throws(StoreGatewayConfigurationError) -> Date {
        let (fresh, notValidAfter) = try files.load(option: option)
        context.replace(with: fresh)
        ending.withLock { $0 = notValidAfter }
        return notValidAfter
    }
}
