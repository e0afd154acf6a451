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

    @Test func helpExplainsTheOptionsWithTheirDefaultsAndValues() async throws {
        let (status, output) = try await registerd("--help")
        #expect(status == 0)
        for option in [
            "--device", "--transport", "--baud", "--flow-control", "--list-ports", "--config",
            "--ack-timeout-ms",
        ] {
            #expect(output.contains(option), "help does not mention \(option)")
        }
        // Defaults live on the options, so help shows them; enums list what they accept.
        let flat = output.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for shown in [
            "(default: 115200)", "(default: 500)", "(default: PP-TERM-1)", "(default: relay,query)",
            "(default: 120)", "(values: auto, termios, libserialport; default: auto)",
            "(values: none, rts-cts, xon-xoff; default: none)", "(values: mtls, mac)",
            "(values: url, pairpay1; default: url)",
        ] {
            #expect(flat.contains(shown), "help does not show \(shown)")
        }
    }

    @Test func theFileMaySetEveryOptionTheHelpShowsAndNothingElse() async throws {
        let options = try await BuiltExecutable.helpOptions("registerd").subtracting(["config", "list-ports"])
        let known = try await BuiltExecutable.configurationKeys("registerd")
        #expect(
            !known.isEmpty && known == options,
            "file keys and --help differ: \(known.symmetricDifference(options))")
    }

    @Test(arguments: [
        (["--baud", "115200"], "no device given"),
        (["--device", "/dev/null", "--baud", "12345"], "baud rate 12345 is not supported"),
        (["--device", "/dev/null", "--data-bits", "7"], "--data-bits must be 8"),
        (
            ["--device", "/dev/null", "--parity", "mark"],
            "The value 'mark' is invalid for '--parity <parity>'"
        ),
        (
            ["--device", "/dev/null", "--flow-control", "dtr"],
            "Please provide one of 'none', 'rts-cts' or 'xon-xoff'"
        ),
        (
            ["--device", "/dev/null", "--transport", "usb"],
            "The value 'usb' is invalid for '--transport <transport>'"
        ),
        (["--device", "/dev/null", "--baud", "fast"], "The value 'fast' is invalid for '--baud <baud>'"),
        (
            ["--device", "/dev/null", "--result-paths", "push"],
            "--settlement-url is required when result-paths is set"
        ),
        (
            ["--device", "/dev/null", "--store-auth", "password"],
            "The value 'password' is invalid for '--store-auth <store-auth>'"
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
        (
            ["--device", "/dev/null", "--log-level", "loud"],
            "The value 'loud' is invalid for '--log-level <log-level>'"
        ),
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
        #expect(status != 0)
        #expect(output.contains("The value 'fast' is invalid for '--baud <baud>'"), "\(output)")

        (status, output) = try await registerd("--config", "/nonexistent/registerd.conf")
        #expect(status != 0)
        #expect(output.contains("cannot read configuration file /nonexistent/registerd.conf"))
    }

    @Test func theFileTheEnvironmentAndTheCommandLineConfigureTheLinkInThatOrder() async throws {
        let register = try FakeRegister()
        let file = try configurationFile(
            "device = \(register.devicePath)  # the pty\nterminal-id = FROM-FILE\nbaud = 4800\n")
        defer { try? FileManager.default.removeItem(atPath: file) }
        guard let path = BuiltExecutable.path("registerd") else {
            throw BuiltExecutableError.missing("registerd")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--config", file, "--terminal-id", "FROM-COMMAND-LINE"]
        // The environment wins over the file (baud), the command line over both (terminal id).
        process.environment = ProcessInfo.processInfo.environment.merging([
            "REGISTERD_BAUD": "9600", "REGISTERD_TERMINAL_ID": "FROM-ENVIRONMENT",
        ]) { $1 }
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
