import NIOCore

/// Where the bank host is and how patient to be with it.
public struct ISO8583AcquirerConfiguration: Sendable {
    /// The bank host's address.
    public var host: String
    /// The bank host's TCP port.
    public var port: Int
    /// The SQLite file for STANs, authorizations and pending reversals.
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

    public init(
        host: String = "127.0.0.1", port: Int, storePath: String, responseTimeout: Duration = .seconds(15),
        connectTimeout: TimeAmount = .seconds(5), echoInterval: Duration? = .seconds(60),
        reversalRetryInterval: Duration = .seconds(30), acquiringInstitutionID: String = "123456"
    ) {
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
