import CLibSerialPort

#if canImport(Glibc)
import Glibc
#endif

/// Lists the serial ports of this machine through libserialport (`registerd --list-ports`).
///
/// libserialport 0.1.1 finds ports in `/sys/class/tty`: it skips virtual terminals and
/// pseudo-terminals, and keeps on-board 8250 UARTs only when `TIOCGSERIAL` says they exist.
/// The `/dev/serial/by-id` links (made by udev) are added here.
public enum SerialPortLister {
    /// Where udev puts the stable links to USB serial devices.
    public static let byIDDirectory = "/dev/serial/by-id"

    /// The serial ports present now, sorted by path.
    /// - Throws: ``SerialTransportError/listingFailed(reason:)`` when `/sys/class/tty` cannot be
    ///   read.
    public static func list() throws(SerialTransportError) -> [SerialPortInfo] {
        var list: UnsafeMutablePointer<OpaquePointer?>?
        let result = sp_list_ports(&list)
        guard result == SP_OK, let list else {
            throw .listingFailed(
                reason: "\(LibSerialPortTransport.lastError()) (is /sys mounted and /sys/class/tty readable?)"
            )
        }
        defer { sp_free_port_list(list) }
        let links = byIDLinks()
        var ports: [SerialPortInfo] = []
        var index = 0
        while let port = list[index] {
            var info = Self.info(for: port)
            info.byIDLinks = links[canonicalPath(info.path)] ?? []
            ports.append(info)
            index += 1
        }
        return ports.sorted { $0.path < $1.path }
    }

    /// What libserialport knows about one port; the port stays owned by the caller.
    static func info(for port: OpaquePointer) -> SerialPortInfo {
        let transport: SerialPortInfo.Transport =
            switch sp_get_port_transport(port) {
            case SP_TRANSPORT_USB: .usb
            case SP_TRANSPORT_NATIVE: .native
            case SP_TRANSPORT_BLUETOOTH: .bluetooth
            default: .unknown
            }
        var info = SerialPortInfo(
            path: string(sp_get_port_name(port)) ?? "?", description: string(sp_get_port_description(port)),
            transport: transport)
        guard transport == .usb else { return info }
        var vendor: Int32 = 0
        var product: Int32 = 0
        if sp_get_port_usb_vid_pid(port, &vendor, &product) == SP_OK,
            let vendorID = UInt16(exactly: vendor), let productID = UInt16(exactly: product)
        {
            info.usbVendorID = vendorID
            info.usbProductID = productID
        }
        info.usbSerialNumber = string(sp_get_port_usb_serial(port))
        info.manufacturer = string(sp_get_port_usb_manufacturer(port))
        info.product = string(sp_get_port_usb_product(port))
        return info
    }

    /// The ports as an aligned table, one port a line, or a sentence saying there are none; every
    /// line ends with a newline, so the text can be written out as it is.
    ///
    /// `/dev/ttyUSB0  usb     0403:6001  FTDI FT232R  serial A50285BI  by-id: /dev/serial/by-id/...`
    public static func render(_ ports: [SerialPortInfo]) -> String {
        guard !ports.isEmpty else {
            return "no serial ports found (pseudo-terminals are not listed); check the cable and "
                + "`dmesg` for the adapter, or give a pseudo-terminal with --device and --transport termios\n"
        }
        let rows = ports.map { port -> [String] in
            [
                port.path, port.transport.rawValue, port.usbIDText ?? "-", name(of: port),
                port.usbSerialNumber.map { "serial \($0)" } ?? "",
                port.byIDLinks.isEmpty ? "" : "by-id: " + port.byIDLinks.joined(separator: ", "),
            ]
        }
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        let lines = rows.map { row in
            // Trailing empty cells are dropped; the others are padded so that columns line up.
            let last = row.lastIndex(where: { !$0.isEmpty }) ?? 0
            return row[...last].enumerated().map { column, cell in
                column == last ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
            }.joined(separator: "  ")
        }
        return lines.map { $0 + "\n" }.joined()
    }

    /// "FTDI FT232R": manufacturer and product when known, else libserialport's description.
    static func name(of port: SerialPortInfo) -> String {
        let parts = [port.manufacturer, port.product].compactMap { $0 }.filter { !$0.isEmpty }
        if !parts.isEmpty { return parts.joined(separator: " ") }
        return port.description ?? "-"
    }

    /// The links in ``byIDDirectory``, keyed by the canonical path of the device they point at.
    static func byIDLinks(in directory: String = byIDDirectory) -> [String: [String]] {
        guard let stream = opendir(directory) else { return [:] }
        defer { closedir(stream) }
        var links: [String: [String]] = [:]
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard name != ".", name != ".." else { continue }
            let link = directory + "/" + name
            links[canonicalPath(link), default: []].append(link)
        }
        return links.mapValues { $0.sorted() }
    }

    /// `path` with every link resolved; `path` itself when it cannot be resolved.
    static func canonicalPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func string(_ pointer: UnsafeMutablePointer<CChar>?) -> String? {
        guard let pointer else { return nil }
        let text = String(cString: pointer)
        return text.isEmpty ? nil : text
    }
}
