/// Line settings for a serial device (`hw/PROTOCOL.md` §1).
public struct SerialSettings: Equatable, Sendable {
    /// Parity bit setting.
    public enum Parity: String, CaseIterable, Sendable { case none, odd, even }
    /// Flow control setting.
    public enum FlowControl: String, CaseIterable, Sendable {
        case none
        case rtsCts = "rts-cts"
        case xonXoff = "xon-xoff"
    }

    /// The standard rates between 1200 and 921600 baud that both transports can set.
    public static let supportedBaudRates = [
        1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 500000, 576000, 921600,
    ]

    public var baudRate: Int
    public var dataBits: Int
    public var parity: Parity
    public var stopBits: Int
    public var flowControl: FlowControl
    /// Refuse to share the device with another process.
    public var exclusive: Bool

    public init(
        baudRate: Int = 115200, dataBits: Int = 8, parity: Parity = .none, stopBits: Int = 1,
        flowControl: FlowControl = .none, exclusive: Bool = true
    ) {
        self.baudRate = baudRate
        self.dataBits = dataBits
        self.parity = parity
        self.stopBits = stopBits
        self.flowControl = flowControl
        self.exclusive = exclusive
    }

    /// Checks every value before a device is touched.
    /// - Throws: ``SerialTransportError/unsupportedSetting(_:)`` naming the value and what is allowed.
    public func validate() throws(SerialTransportError) {
        guard Self.supportedBaudRates.contains(baudRate) else {
            let list = Self.supportedBaudRates.map(String.init).joined(separator: ", ")
            throw .unsupportedSetting("baud rate \(baudRate) is not supported; use one of \(list)")
        }
        guard (5...8).contains(dataBits) else {
            throw .unsupportedSetting("data bits must be 5, 6, 7 or 8 (got \(dataBits))")
        }
        guard stopBits == 1 || stopBits == 2 else {
            throw .unsupportedSetting("stop bits must be 1 or 2 (got \(stopBits))")
        }
    }
}
