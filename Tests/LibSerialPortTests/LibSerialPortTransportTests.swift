import Foundation
import RegisterLink
import RegisterLinkTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// ``LibSerialPortTransport`` without any namespace tricks: what an operator sees when the path
/// is wrong or is a pseudo-terminal.
@Suite("LibSerialPortTransport errors")
struct LibSerialPortTransportTests {
    @Test("a plain pty fails with an error that suggests --transport termios")
    func plainPseudoTerminalSuggestsTermios() throws {
        let pty = try PseudoTerminal()
        let name = String(pty.devicePath.dropFirst("/dev/".count))
        try #require(
            access("/sys/class/tty/" + name, F_OK) != 0,
            "this machine lists \(pty.devicePath) in /sys/class/tty; the test assumes it does not")
        let transport = LibSerialPortTransport(path: pty.devicePath)
        let error = try #require(throws: SerialTransportError.self) { try transport.open() }
        guard case .openFailed(let path, _) = error else {
            Issue.record("expected openFailed, got \(error)")
            return
        }
        #expect(path == pty.devicePath)
        #expect(error.description.contains("--transport termios"), "\(error)")
        #expect(error.description.contains("pseudo-terminal"), "\(error)")
        #expect(transport.fileDescriptor == nil)
    }

    @Test("a link to a pty is resolved first, and still suggests --transport termios")
    func linkToPseudoTerminalSuggestsTermios() throws {
        let pty = try PseudoTerminal()
        let directory = NSTemporaryDirectory() + "/pairpay-lsp-link-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let link = directory + "/usb-Test_Adapter-if00-port0"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: pty.devicePath)
        let error = try #require(throws: SerialTransportError.self) {
            try LibSerialPortTransport(path: link).open()
        }
        #expect(error.description.contains(pty.devicePath), "the resolved device is not named: \(error)")
        #expect(error.description.contains("--transport termios"), "\(error)")
    }

    @Test("a missing device is notFound")
    func missingDevice() throws {
        let error = try #require(throws: SerialTransportError.self) {
            try LibSerialPortTransport(path: "/dev/serial/by-id/usb-PairPay_No_Such_Adapter-if00-port0")
                .open()
        }
        #expect(error == .notFound(path: "/dev/serial/by-id/usb-PairPay_No_Such_Adapter-if00-port0"))
        #expect(error.description.contains("--list-ports"))
    }

    @Test("a regular file is not a terminal")
    func regularFile() throws {
        let path = NSTemporaryDirectory() + "/pairpay-lsp-file-\(getpid())"
        #expect(FileManager.default.createFile(atPath: path, contents: Data([0x10])))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = try #require(throws: SerialTransportError.self) {
            try LibSerialPortTransport(path: path).open()
        }
        guard case .notATerminal = error else {
            Issue.record("expected notATerminal, got \(error)")
            return
        }
    }

    @Test("an unsupported baud rate is refused before the device is touched")
    func unsupportedBaudRate() throws {
        let transport = LibSerialPortTransport(
            path: "/dev/null", settings: SerialSettings(baudRate: 1_000_000))
        let error = try #require(throws: SerialTransportError.self) { try transport.open() }
        guard case .unsupportedSetting(let text) = error else {
            Issue.record("expected unsupportedSetting, got \(error)")
            return
        }
        #expect(text.contains("921600"))
    }

    @Test("closing a transport that never opened is harmless; reads say notOpen")
    func closedTransport() throws {
        let transport = LibSerialPortTransport(path: "/dev/null")
        transport.close()
        #expect(throws: SerialTransportError.notOpen) { try transport.readAvailable(maximum: 16) }
        #expect(throws: SerialTransportError.notOpen) { try transport.write([0x10, 0x02]) }
    }
}
