import Foundation
import RegisterLinkTestSupport
import Testing

/// What registerd links (issue 17, footprint): a firmware-style daemon carries only what it uses.
/// The journal runs on SQLite's C API, so no GRDB code is in the binary; the settlement side keeps
/// GRDB. Each module here is named by its mangled Swift prefix in the symbol table.
@Suite struct RegisterdLinkageTests {
    /// The defined symbols of `executable`, as `nm` prints them.
    static func symbols(of executable: String) async throws -> [Substring] {
        guard let path = BuiltExecutable.path(executable) else {
            throw BuiltExecutableError.missing(executable)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/nm")
        process.arguments = ["--defined-only", path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = await offThePool { output.fileHandleForReading.readDataToEndOfFile() }
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "nm \(path) failed")
        return String(decoding: data, as: UTF8.self).split(separator: "\n")
    }

    /// Symbols of the Swift module `module` (mangled `$s<length><name>`).
    static func count(of module: String, in symbols: [Substring]) -> Int {
        let prefix = "$s\(module.utf8.count)\(module)"
        return symbols.count { $0.contains(prefix) }
    }

    @Test func registerdLinksNoGRDB() async throws {
        let registerd = try await Self.symbols(of: "registerd")
        // The symbol table is read: registerd's own modules are in it.
        #expect(Self.count(of: "Register", in: registerd) > 100)
        #expect(Self.count(of: "GRDB", in: registerd) == 0, "registerd links GRDB again")
        // And the scan finds GRDB where it is linked.
        #expect(Self.count(of: "GRDB", in: try await Self.symbols(of: "settlementd")) > 100)
    }
}
