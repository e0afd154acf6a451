import Foundation
import Testing

/// `registerd --list-ports` through the real libserialport listing, on a fake sysfs with one USB
/// adapter (see ``NamespaceHarness/fakeUSBAdapterScript()``). Skipped like the smoke tests when
/// the namespace cannot be made.
@Suite(
    "registerd --list-ports over a fake sysfs in a private mount namespace",
    .enabled(
        if: NamespaceHarness.canMakeNamespace,
        "needs `unshare --mount` (root or CAP_SYS_ADMIN); the reason is printed when not"))
struct RegisterdListPortsTests {
    @Test("a USB adapter is listed with VID:PID, manufacturer, product and serial; consoles are not")
    func listsFakeUSBAdapter() throws {
        guard let registerd = NamespaceHarness.registerdExecutable() else {
            Issue.record("registerd is not built: run `swift build --product registerd` first")
            return
        }
        let result = NamespaceHarness.run(
            NamespaceHarness.executable(named: "unshare") ?? "/usr/bin/unshare",
            [
                "--mount", "--propagation", "private", "sh", "-c", NamespaceHarness.fakeUSBAdapterScript(),
                "sh",
                registerd, "--list-ports",
            ])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("/dev/ttyUSB9  usb  0403:6001  FTDI FT232R USB UART  serial A50285BI"))
        #expect(!result.output.contains("console"), "a virtual terminal was listed: \(result.output)")
    }
}
