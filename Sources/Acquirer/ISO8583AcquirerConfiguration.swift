import Foundation
import NIOCore

/// Where the bank host is and how patient to be with it.
public struct ISO8583AcquirerConfiguration: Sendable {
    /// The bank host's address.
    public var host: String
    /// The bank host's TCP port.
    public var port: Int
    /// The SQLite file for STANs, authorizations and pending reversals (used by
    /// ``ISO8583Acquirer/open(configuration:logger:)``; a shared store is passed instead).
    public var storePath: String
    /// How long to wait for a response before the outcome counts as unknown and is reversed.
    public var responseTimeout: Duration
    /// How long to try to open the TCP connection.
    public var connectTimeout: TimeAmount
    /// How often to send an 0800 echo test while idle (nil: never).
    public var echoInterval: Duration?
    /// How often to re-send reversals the bank has not acknowledged.
    public var reversalRetryInterval: Duration
    /// Field 32: this acquirer's institution ID (up to 11 digits).
    public var acquiringInstitutionID: String
    /// How long past the response timeout an authorization still `sent` counts as abandoned by
    /// the instance that sent it (it died, or lost the answer) and is reversed by any instance.
    public var takeOverGrace: Duration

    /// When an authorization sent at `sent` is overdue: any instance may take it over then.
    func takeOverDeadline(sentAt sent: Date) -> Date {
        sent.addingTimeInterval((responseTimeout + takeOverGrace).seconds)
    }

    /// How long one instance holds a reversal it is sending before others may send it: longer
    /// than connecting, sending and waiting for the answer can take.
    var reversalLease: TimeInterval {
        (responseTimeout + .seconds(10)).seconds + TimeInterval(connectTimeout.nanoseconds) / 1e9
    }

    public init(
        host: String = "127.0.0.1", port: Int, storePath: String, responseTimeout: Duration = .seconds(15),
        connectTimeout: TimeAmount = .seconds(5), echoInterval: Duration? = .seconds(60),
        reversalRetryInterval: Duration = .seconds(30), acquiringInstitutionID: String = "123456",
        takeOverGrace: Duration = .seconds(15)
    ) {
        self.takeOverGrace = takeOverGrace
        self.host = host
        self.port = port
        self.storePath = storePath
        self.responseTimeout = responseTimeout
        self.connectTimeout = connectTimeout
        self.echoInterval = echoInterval
        self.reversalRetryInterval = reversalRetryInterval
        self.acquiringInstitutionID = acquiringInstitutionID
    }
}

extension Duration {
    /// The duration in seconds, as a `TimeInterval`.
    var seconds: TimeInterval {
        let (whole, fraction) = components
        return TimeInterval(whole) + TimeInterval(fraction) / 1e18
    }
}
