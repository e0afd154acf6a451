import Foundation
import RegisterLinkTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Runs `registerd --transport libserialport` on a pseudo-terminal that libserialport 0.1.1 can
/// open, which takes two tricks, both confined to one child process:
///
/// - **sysfs.** `sp_get_port_by_name("/dev/pts/N")` only does `readlink("/sys/class/tty/pts/N")`
///   (the name after `/dev/`) and succeeds when that is a symlink; a target without `usb` or
///   `bluetooth` in it makes a native port. ptys are not in sysfs, so the child runs in a private
///   mount namespace (`unshare --mount --propagation private`) with a tmpfs over `/sys/class/tty`
///   holding just that link. A multi-threaded process cannot `unshare(CLONE_NEWNS)` itself, hence
///   the child process.
/// - **modem lines.** `sp_open` and every `sp_set_*` call `TIOCMGET` and `TIOCMBIS`, which a pty
///   refuses with `ENOTTY`; `hw/tools/modem-shim/modem_shim.c`, built here and preloaded, answers
///   them. Nothing else fails on a pty: `TCGETS`/`TCSETS` work, and rates without a `B` constant
///   go through `TCSETS2` with `BOTHER`, which a pty accepts too.
enum NamespaceHarness {
    /// The repository root, from this file's path (`Tests/LibSerialPortTests/NamespaceHarness.swift`).
    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// Why the namespace cannot be made here (printed once), or `nil` when it can.
    static let namespaceUnavailableReason: String? = {
        let reason = findNamespaceUnavailableReason()
        if let reason { print("LibSerialPortTests: skipping the namespace tests: \(reason)") }
        return reason
    }()

    /// Why the smoke tests cannot run here (printed once): no namespace, or no `cc` for the shim.
    static let unavailableReason: String? = {
        if let reason = namespaceUnavailableReason { return reason }
        guard executable(named: "cc") != nil else {
            print("LibSerialPortTests: skipping the smoke tests: no C compiler (cc) to build the modem shim")
            return "no C compiler (cc) to build the modem shim"
        }
        return nil
    }()

    /// Whether a private mount namespace with a tmpfs over `/sys/class/tty` can be made.
    static var canMakeNamespace: Bool { namespaceUnavailableReason == nil }

    /// Whether the smoke tests can run on this machine (namespace and `cc`).
    static var isAvailable: Bool { unavailableReason == nil }

    private static func findNamespaceUnavailableReason() -> String? {
        guard let unshare = executable(named: "unshare") else {
            return "unshare (util-linux) is not installed"
        }
        let probe = run(
            unshare,
            ["--mount", "--propagation", "private", "sh", "-c", "mount -t tmpfs none /sys/class/tty"])
        guard probe.status == 0 else {
            return "cannot make a private mount namespace with a tmpfs over /sys/class/tty "
                + "(needs root or CAP_SYS_ADMIN): \(probe.output.trimmingCharacters(in: .whitespacesAndNewlines))"
        }
        return nil
    }

    /// `name` found on `PATH`, or `nil`.
    static func executable(named name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// Runs a program to completion; its exit status and its standard output and error together.
    static func run(_ program: String, _ arguments: [String]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return (-1, "\(program): \(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Builds the modem shim into `directory`; the path of the `.so`.
    static func buildShim(in directory: String) throws -> String {
        let source = repositoryRoot + "/hw/tools/modem-shim/modem_shim.c"
        let library = directory + "/modem_shim.so"
        let result = run(
            executable(named: "cc") ?? "/usr/bin/cc", ["-shared", "-fPIC", "-o", library, source, "-ldl"])
        guard result.status == 0 else {
            throw HarnessError("cc failed to build \(source):\n\(result.output)")
        }
        return library
    }

    /// The `registerd` built next to this test binary (or in the default `.build`), if any.
    static func registerdExecutable() -> String? {
        BuiltExecutable.path("registerd")
    }

    /// A fresh private directory under the system's temporary directory.
    static func makeTemporaryDirectory() throws -> String {
        var template = Array((NSTemporaryDirectory() + "/pairpay-libserialport-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw HarnessError("mkdtemp failed: \(errno)") }
        return String(cString: made)
    }

    /// The shell script run inside the namespace: the sysfs entry for `devicePath`, an optional
    /// link to it (like `/dev/serial/by-id/...`), then `exec` of registerd with the shim preloaded.
    static func namespaceScript(
        devicePath: String, link: String?, shim: String, registerd: String, arguments: [String]
    ) -> String {
        let name = String(devicePath.dropFirst("/dev/".count))  // "pts/7"
        var lines = [
            "set -e",
            "mount -t tmpfs -o mode=755 pairpay-sysfs-tty /sys/class/tty",
            "mkdir -p /sys/class/tty/\(quoted(String(name.split(separator: "/").dropLast().joined(separator: "/"))))",
            "ln -s \(quoted("../../devices/virtual/pairpay-test/" + name)) \(quoted("/sys/class/tty/" + name))",
        ]
        if let link { lines.append("ln -s \(quoted(devicePath)) \(quoted(link))") }
        let command = ([registerd] + arguments).map(quoted).joined(separator: " ")
        lines.append("exec env LD_PRELOAD=\(quoted(shim)) \(command)")
        return lines.joined(separator: "\n")
    }

    /// A shell script that fills a tmpfs over `/sys/class/tty` with one USB adapter as the kernel
    /// shows an FTDI FT232R (`ttyUSB9`, 0403:6001, serial A50285BI) and a virtual console (which
    /// the listing must skip), then runs its arguments (`sh -c <script> sh <program> <args>...`).
    ///
    /// libserialport 0.1.1 lists every `/sys/class/tty` link whose target does not contain
    /// `virtual`; a target containing `usb` makes a USB port, whose ids and strings it reads from
    /// `device/../busnum`, `devnum`, `idVendor`, `idProduct`, `manufacturer`, `product` and
    /// `serial`, trying up to five `../` levels above the `device` link.
    static func fakeUSBAdapterScript() -> String {
        let usbDevice = "/sys/class/tty/.pairpay-devices/pci0000:00/0000:00:14.0/usb1/1-2"
        let tty = usbDevice + "/1-2:1.0/ttyUSB9/tty/ttyUSB9"
        let files = [
            ("busnum", "1"), ("devnum", "7"), ("idVendor", "0403"), ("idProduct", "6001"),
            ("manufacturer", "FTDI"), ("product", "FT232R USB UART"), ("serial", "A50285BI"),
        ]
        var lines = [
            "set -e",
            "mount -t tmpfs -o mode=755 pairpay-sysfs-tty /sys/class/tty",
            "mkdir -p \(quoted(tty)) /sys/class/tty/.pairpay-devices/virtual/tty/console",
        ]
        lines += files.map { "printf '%s\\n' \(quoted($0.1)) > \(quoted(usbDevice + "/" + $0.0))" }
        lines += [
            "ln -s ../../../ttyUSB9 \(quoted(tty + "/device"))",
            "ln -s \(quoted(tty)) /sys/class/tty/ttyUSB9",
            "ln -s .pairpay-devices/virtual/tty/console /sys/class/tty/console",
            "exec \"$@\"",
        ]
        return lines.joined(separator: "\n")
    }

    static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// A harness step failed (not the code under test).
struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
