import Foundation
import RegisterLinkTestSupport
import RegisterProtocol
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The libserialport path end to end: registerd opens a pty through libserialport (in a private
/// mount namespace with a fake `/sys/class/tty/pts/N` and the modem shim, see
/// ``NamespaceHarness``) and answers HELLO from the test, which plays the register.
///
/// Skipped, with the reason printed, where the namespace cannot be made (no root or
/// CAP_SYS_ADMIN, no `unshare`, no `cc`). Needs `registerd` built next to the test binary.
@Suite(
    "registerd over libserialport on a pty in a private mount namespace", .serialized,
    .enabled(
        if: NamespaceHarness.isAvailable,
        "needs `unshare --mount` (root or CAP_SYS_ADMIN) and `cc`; the reason is printed when not"))
struct RegisterdLibSerialPortSmokeTests {
    static let terminalID = "PP-TEST-LSP"

    @Test("HELLO is acknowledged and answered on /dev/pts/N opened by libserialport")
    func helloOnDevicePath() throws {
        let pty = try PseudoTerminal()
        let registerd = try startRegisterd(device: pty.devicePath, link: nil, extraArguments: [])
        defer { registerd.stop() }
        try helloExchange(pty, registerd)
    }

    @Test("a /dev/serial/by-id style link is resolved; 921600 baud and RTS/CTS are set")
    func helloThroughLinkWithHardwareFlowControl() throws {
        let pty = try PseudoTerminal()
        let directory = try NamespaceHarness.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let link = directory + "/usb-PairPay_Test_Adapter_PT000001-if00-port0"
        let registerd = try startRegisterd(
            device: pty.devicePath, link: link,
            extraArguments: ["--baud", "921600", "--flow-control", "rts-cts"])
        defer { registerd.stop() }
        let options = try lineSettings(pty.devicePath)
        #expect(options.c_cflag & tcflag_t(0o20000000000) != 0, "CRTSCTS is not set in c_cflag")
        #expect(
            options.c_iflag & tcflag_t(0o20000000000) == 0,
            "libserialport 0.1.1's stray CRTSCTS bit is left in c_iflag")
        #expect(options.c_lflag & tcflag_t(ICANON | ECHO | ISIG | IEXTEN) == 0, "the line is not raw")
        #expect(options.c_oflag & tcflag_t(OPOST) == 0, "output processing is on")
        try helloExchange(pty, registerd)
    }

    @Test("XON/XOFF is set without IXANY, so any byte cannot restart output stopped by XOFF")
    func xonXoffWithoutIXANY() throws {
        let pty = try PseudoTerminal()
        let registerd = try startRegisterd(
            device: pty.devicePath, link: nil,
            extraArguments: ["--baud", "9600", "--flow-control", "xon-xoff"])
        defer { registerd.stop() }
        let options = try lineSettings(pty.devicePath)
        #expect(options.c_iflag & tcflag_t(IXON | IXOFF) == tcflag_t(IXON | IXOFF), "XON/XOFF is not set")
        #expect(options.c_iflag & tcflag_t(IXANY) == 0, "IXANY is left on")
        #expect(options.c_iflag & tcflag_t(ICRNL | INLCR | IGNCR) == 0, "input translation is on")
        var copy = options
        #expect(cfgetospeed(&copy) == speed_t(B9600), "the baud rate is not 9600")
    }

    @Test("a second registerd on the same device is refused as busy and does not touch the line")
    func secondOpenIsBusy() throws {
        let pty = try PseudoTerminal()
        let first = try startRegisterd(
            device: pty.devicePath, link: nil,
            extraArguments: ["--baud", "9600", "--flow-control", "xon-xoff"])
        defer { first.stop() }
        let second = try startRegisterd(
            device: pty.devicePath, link: nil, extraArguments: [], waitFor: "in use by another process")
        defer { second.stop() }
        #expect(!second.log.contains("link open"), "the second registerd opened the link:\n\(second.log)")
        var options = try lineSettings(pty.devicePath)
        #expect(cfgetospeed(&options) == speed_t(B9600), "the refused open changed the baud rate")
        #expect(options.c_iflag & tcflag_t(IXON) != 0, "the refused open changed the flow control")
        #expect(first.isRunning)
    }

    /// Starts registerd on `device` (through `link` if given) and waits for `link open`.
    private func startRegisterd(
        device: String, link: String?, extraArguments: [String], waitFor expected: String = "link open"
    ) throws -> RegisterdProcess {
        guard let executable = NamespaceHarness.registerdExecutable() else {
            throw HarnessError(
                "registerd is not built: run `swift build --product registerd` (with the same "
                    + "--scratch-path as the tests) first")
        }
        let directory = try NamespaceHarness.makeTemporaryDirectory()
        let shim = try NamespaceHarness.buildShim(in: directory)
        let arguments =
            [
                "--device", link ?? device, "--transport", "libserialport", "--log-level", "debug",
                "--terminal-id", Self.terminalID,
            ] + extraArguments
        let script = NamespaceHarness.namespaceScript(
            devicePath: device, link: link, shim: shim, registerd: executable, arguments: arguments)
        let registerd = try RegisterdProcess(script: script, workDirectory: directory)
        guard registerd.waitForLog(containing: expected, timeout: .seconds(20)) else {
            registerd.stop()
            throw HarnessError(
                "registerd (\(executable)) never logged '\(expected)'; its log:\n\(registerd.log)")
        }
        return registerd
    }

    /// The line settings registerd left on the pty (termios belongs to the tty, not to a descriptor).
    private func lineSettings(_ device: String) throws -> termios {
        let fd = open(device, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            throw HarnessError("cannot open \(device): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var options = termios()
        guard tcgetattr(fd, &options) == 0 else { throw HarnessError("tcgetattr failed on \(device)") }
        return options
    }

    /// Sends HELLO as the register, expects ACK 1 and HELLO REPLY, acknowledges the reply and
    /// checks that registerd does not send it again (so the ACK got through too).
    private func helloExchange(_ pty: PseudoTerminal, _ registerd: RegisterdProcess) throws {
        let hello = Frame(
            sequence: 1, type: MessageType.hello.rawValue, payload: Hello(deviceID: "REG-01").payload)
        pty.write(FrameEncoder.encode(hello))
        var decoder = FrameDecoder()
        var acknowledged = false
        var reply: Frame?
        let deadline = ContinuousClock.now + .seconds(10)
        while !(acknowledged && reply != nil), ContinuousClock.now < deadline {
            for case .frame(let frame) in decoder.feed(pty.read(timeoutMilliseconds: 100), at: .now) {
                if frame == Frame.ack(1) {
                    acknowledged = true
                } else if frame.type == MessageType.helloReply.rawValue {
                    reply = frame
                }
            }
        }
        #expect(acknowledged, "no ACK of HELLO; registerd log:\n\(registerd.log)")
        let replyFrame = try #require(reply, "no HELLO REPLY; registerd log:\n\(registerd.log)")
        let body = try HelloReply(fields: FieldReader(replyFrame.payload))
        #expect(body.deviceID == Self.terminalID)
        #expect(body.protocolVersion == Hello.currentProtocolVersion)
        pty.write(FrameEncoder.encode(Frame.ack(replyFrame.sequence)))

        // T_ack is 500 ms: a reply whose ACK was lost would come again within this window.
        var repeated = false
        let quietUntil = ContinuousClock.now + .milliseconds(1300)
        while ContinuousClock.now < quietUntil {
            for case .frame(let frame) in decoder.feed(pty.read(timeoutMilliseconds: 100), at: .now)
            where frame.type == MessageType.helloReply.rawValue {
                repeated = true
            }
        }
        #expect(!repeated, "registerd sent HELLO REPLY again: our ACK was not seen; log:\n\(registerd.log)")
        #expect(registerd.isRunning, "registerd exited; log:\n\(registerd.log)")
    }
}
