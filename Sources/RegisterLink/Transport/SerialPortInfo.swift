/// One serial port as libserialport sees it, for `registerd --list-ports`.
///
/// Everything but ``path`` and ``transport`` is optional: only USB ports have vendor and product
/// ids, and many cheap adapters have no serial number (then ``byIDLinks`` is the stable name to
/// use in configuration, when udev made one).
public struct SerialPortInfo: Equatable, Sendable {
    /// How the port is attached.
    public enum Transport: String, CaseIterable, Sendable {
        /// A USB-serial adapter or USB CDC-ACM device (`/dev/ttyUSB*`, `/dev/ttyACM*`).
        case usb
        /// An on-board UART (`/dev/ttyS*`, `/dev/ttyAMA*`).
        case native
        /// A Bluetooth RFCOMM port (`/dev/rfcomm*`).
        case bluetooth
        /// libserialport reported a kind this code does not know.
        case unknown
    }

    /// The device path, for example `/dev/ttyUSB0`.
    public var path: String
    /// libserialport's one-line description (the USB product string, or the device name).
    public var description: String?
    /// How the port is attached.
    public var transport: Transport
    /// The USB vendor id (`idVendor`), for USB ports.
    public var usbVendorID: UInt16?
    /// The USB product id (`idProduct`), for USB ports.
    public var usbProductID: UInt16?
    /// The USB serial number string, when the device has one.
    public var usbSerialNumber: String?
    /// The USB manufacturer string.
    public var manufacturer: String?
    /// The USB product string.
    public var product: String?
    /// The `/dev/serial/by-id/...` links that point at this port, sorted; these names survive
    /// replugging into another USB socket, unlike `/dev/ttyUSB0`.
    public var byIDLinks: [String]

    /// Makes a port description; every field but `path` and `transport` defaults to unknown.
    public init(
        path: String, description: String? = nil, transport: Transport, usbVendorID: UInt16? = nil,
        usbProductID: UInt16? = nil, usbSerialNumber: String? = nil, manufacturer: String? = nil,
        product: String? = nil, byIDLinks: [String] = []
    ) {
        self.path = path
        self.description = description
        self.transport = transport
        self.usbVendorID = usbVendorID
        self.usbProductID = usbProductID
        self.usbSerialNumber = usbSerialNumber
        self.manufacturer = manufacturer
        self.product = product
        self.byIDLinks = byIDLinks
    }

    /// `0403:6001`: vendor and product id as four lower-case hex digits each; `nil` unless both
    /// are known.
    public var usbIDText: String? {
        guard let usbVendorID, let usbProductID else { return nil }
        return Self.hex4(usbVendorID) + ":" + Self.hex4(usbProductID)
    }

    static func hex4(_ value: UInt16) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
