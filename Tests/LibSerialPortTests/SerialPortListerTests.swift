import Foundation
import Testing

@testable import RegisterLink

#if canImport(Glibc)
import Glibc
#endif

@Suite("SerialPortLister")
struct SerialPortListerTests {
    static let ftdi = SerialPortInfo(
        path: "/dev/ttyUSB0", description: "FT232R USB UART", transport: .usb, usbVendorID: 0x0403,
        usbProductID: 0x6001, usbSerialNumber: "A50285BI", manufacturer: "FTDI", product: "FT232R USB UART",
        byIDLinks: ["/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0"])

    @Test("an empty list says clearly that there are no ports")
    func emptyList() {
        let text = SerialPortLister.render([])
        #expect(text.hasPrefix("no serial ports found"))
        #expect(text.hasSuffix("\n"))
    }

    @Test("a USB port shows VID:PID as 4 hex digits each, names, serial number and by-id link")
    func usbPort() {
        let text = SerialPortLister.render([Self.ftdi])
        #expect(
            text
                == "/dev/ttyUSB0  usb  0403:6001  FTDI FT232R USB UART  serial A50285BI  "
                + "by-id: /dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0\n")
    }

    @Test("small ids keep their leading zeros")
    func leadingZeros() {
        let port = SerialPortInfo(path: "/dev/ttyACM0", transport: .usb, usbVendorID: 0x1a, usbProductID: 0x7)
        #expect(port.usbIDText == "001a:0007")
        #expect(SerialPortLister.render([port]).contains(" 001a:0007"))
    }

    @Test("columns line up; a native port has no ids and shows its description")
    func alignment() {
        let native = SerialPortInfo(path: "/dev/ttyS0", description: "ttyS0", transport: .native)
        let lines = SerialPortLister.render([Self.ftdi, native]).split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines[1] == "/dev/ttyS0    native  -          ttyS0")
        #expect(lines[0].hasPrefix("/dev/ttyUSB0  usb     0403:6001  FTDI FT232R USB UART"))
    }

    @Test("by-id links are found and keyed by the device they point at")
    func byIDLinks() throws {
        let directory = NSTemporaryDirectory() + "/pairpay-by-id-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createSymbolicLink(
            atPath: directory + "/usb-B-port0", withDestinationPath: "/dev/null")
        try FileManager.default.createSymbolicLink(
            atPath: directory + "/usb-A-port0", withDestinationPath: "/dev/null")
        let links = SerialPortLister.byIDLinks(in: directory)
        #expect(links["/dev/null"] == [directory + "/usb-A-port0", directory + "/usb-B-port0"])
        #expect(SerialPortLister.byIDLinks(in: directory + "/missing").isEmpty)
    }

    @Test("listing this machine's ports does not throw")
    func listsThisMachine() throws {
        let ports = try SerialPortLister.list()
        for port in ports { #expect(port.path.hasPrefix("/dev/")) }
        #expect(ports.map(\.path) == ports.map(\.path).sorted())
        #expect(!SerialPortLister.render(ports).isEmpty)
    }
}
