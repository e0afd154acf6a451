import Foundation
import RegisterLinkTestSupport
import RegisterProtocol
import Testing

/// registerd as a process: every bad option or configuration line gets an error that names it,
/// and a configuration file really configures the link.
@Suite struct RegisterdCommandLineTests {
    func registerd(_ arguments: String...) async throws -> (status: Int32, output: String) {
        try await BuiltExecutable.run("registerd", arguments)
    }

    func configurationFile(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "registerd-test-\(UUID().uuidString).conf"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func helpExplainsTheOptions() async throws {
        let (status, output) = try await registerd("--help")
        #expect(status == 0)
        for option in [
            "--device", "--transport", "--baud", "--flow-control", "--list-ports", "--config",
            "--ack-timeout-ms",
        ] {
            #expect(output.contains(option), "help does not mention \(option)")
        }
    }

    @Test(arguments: [
        (["--baud", "115200"], "no device given"),
        (["--device", "/dev/null", "--baud", "12345"], "baud rate 12345 is not supported"),
        (["--device", "/dev/null", "--data-bits", "7"], "--data-bits must be 8"),
        (["--device", "/dev/null", "--parity", "mark"], "--parity must be none, odd or even"),
        (
            ["--device", "/dev/null", "--flow-control", "dtr"],
            "--flow-control must be none, rts-cts or xon-xoff"
        ),
        (
            ["--device", "/dev/null", "--transport", "usb"],
            "--transport must be auto, termios or libserialport"
        ),
        (["--device", "/dev/null", "--stop-bits", "3"], "stop bits must be 1 or 2"),
        (
            ["--device", "/dev/null", "--ack-timeout-ms", "100"],
            "the ACK timeout must be longer than the inter-byte timeout"
        ),
        (
            ["--device", "/dev/null", "--terminal-id", "has space"],
            "--terminal-id must be 1 to 32 characters from A-Z a-z 0-9 - . _ ~"
        ),
        (
            ["--device", "/dev/null", "--progress-interval-ms", "10"],
            "--progress-interval-ms must be between 100 and 60000"
        ),
        (["--device", "/dev/null", "--log-level", "loud"], "--log-level must be one of"),
    ])
    func badOptionsAreRefusedWithTheirName(arguments: [String], message: String) async throws {
        let (status, output) = try await BuiltExecutable.run("registerd", arguments)
        #expect(status != 0)
        #expect(output.contains(message), "expected '\(message)' in: \(output)")
    }

    @Test func badConfigurationLinesNameFileAndLine() async throws {
        let unknown = try configurationFile("# registerd\ndevice = /dev/null\nspeed = 9600\n")
        defer { try? FileManager.default.removeItem(atPath: unknown) }
        var (status, output) = try await registerd("--config", unknown)
        #expect(status != 0)
        #expect(output.contains("\(unknown):3: unknown key 'speed'"))

        let malformed = try configurationFile("device /dev/null\n")
        defer { try? FileManager.default.removeItem(atPath: malformed) }
        (status, output) = try await registerd("--config", malformed)
        #expect(status != 0)
        #expect(output.contains("\(malformed):1: expected 'key = value'"))

        let notANumber = try configurationFile("device = /dev/null\nbaud = fast\n")
        defer { try? FileManager.default.removeItem(atPath: notANumber) }
        (status, output) = try await registerd("--config", notANumber)
        #expect(output.contains("baud must be a whole number, not 'fast'"))

        (status, output) = try await registerd("--config", "/nonexistent/registerd.conf")
        #expect(status != 0)
        #expect(output.contains("cannot read configuration file /nonexistent/registerd.conf"))
    }

    @Test func theConfigurationFileConfiguresTheLinkAndTheCommandLineWins() async throws {
        let register = try FakeRegister()
        let file = try configurationFile(
            "device = \(register.devicePath)  # the pty\nterminal-id = FROM-FILE\nbaud = 9600\n")
        defer { try? FileManager.default.removeItem(atPath: file) }
        guard let path = BuiltExecutable.path("registerd") else {
            throw BuiltExecutableError.missing("registerd")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--config", file, "--terminal-id", "FROM-COMMAND-LINE"]
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        // registerd may not have opened the device yet: the register's sends repeat until ACKed.
        try await register.send(
            .hello(Hello(deviceID: "REG-01")), ackTimeout: .milliseconds(500), attempts: 20)
        let reply = try await register.nextReply()
        guard case .helloReply(let hello) = reply else {
            Issue.record("expected HELLO REPLY, got \(reply)")
            return
        }
        #expect(hello.deviceID == "FROM-COMMAND-LINE")
        var options = termios()
        let fd = open(register.terminal.devicePath, O_RDWR | O_NOCTTY | O_NONBLOCK)
        defer { close(fd) }
        tcgetattr(fd, &options)
        #expect(cfgetospeed(&options) == speed_t(B9600))
    }

    @Test func listPortsRuns() async throws {
        let (status, output) = try await registerd("--list-ports")
        #expect(status == 0)
        #expect(!output.isEmpty)
    }
}
