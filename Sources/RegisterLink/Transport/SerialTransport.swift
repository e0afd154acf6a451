/// A byte pipe to one serial device: the seam between the link driver and the hardware.
///
/// Two implementations: ``LibSerialPortTransport`` for real serial devices (USB adapters, UARTs),
/// and ``TermiosTransport`` for pseudo-terminals, which libserialport 0.1.1 cannot open.
/// A transport is used from one thread at a time (the link driver's).
public protocol SerialTransport: AnyObject, Sendable {
    /// The device path as given (a `/dev/serial/by-id/...` link stays as given).
    var path: String { get }
    /// Opens and configures the device.
    func open() throws(SerialTransportError)
    /// Closes the device; harmless when it is not open.
    func close()
    /// The open device's descriptor, for `poll`; `nil` while closed.
    var fileDescriptor: Int32? { get }
    /// Reads what is available without waiting; `[]` when nothing is.
    /// - Throws: ``SerialTransportError/hangUp(reason:)`` at end of file or an I/O error.
    func readAvailable(maximum: Int) throws(SerialTransportError) -> [UInt8]
    /// Writes every byte, waiting for the device to accept them up to a bounded time.
    func write(_ bytes: [UInt8]) throws(SerialTransportError)
}
