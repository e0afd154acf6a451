import Foundation
import RegisterLinkTestSupport
import Testing

/// What registerd links (issue 17, footprint): a firmware-style daemon carries only what it uses.
/// The journal runs on SQLite's C API, so no GRDB code is in the binary; its HTTPS client is NIO's
/// own, so no AsyncHTTPClient (and no HTTP/2); its listeners are DaemonSupport's `HTTPListener`,
/// so no Hummingbird; and it needs only Foundation's essentials, not
/// Foundation with ICU. The settlement side keeps them all, which shows each check can fail.
/// Swift modules are named by their mangled prefix in the symbol table, libraries by the
/// dynamic section's NEEDED entries.
@Suite struct RegisterdLinkageTests {
    /// What `tool arguments… PATH` prints about the built `executable` (it must succeed).
    static func output(of tool: String, _ arguments: [String], on executable: String) async throws -> String {
        guard let path = BuiltExecutable.path(executable) else {
            throw BuiltExecutableError.missing(executable)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments + [path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = await offThePool { output.fileHandleForReading.readDataToEndOfFile() }
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(tool) \(path) failed")
        return String(decoding: data, as: UTF8.self)
    }

    /// The defined symbols of `executable`, as `nm` prints them.
    static func symbols(of executable: String) async throws -> [Substring] {
        try await output(of: "/usr/bin/nm", ["--defined-only"], on: executable).split(separator: "\n")
    }

    /// The shared libraries `executable` needs, from `readelf --dynamic`.
    static func neededLibraries(of executable: String) async throws -> [String] {
        // " 0x0000000000000001 (NEEDED)             Shared library: [libFoundation.so]"
        try await output(of: "/usr/bin/readelf", ["--dynamic"], on: executable).split(separator: "\n")
            .filter { $0.contains("(NEEDED)") }
            .compactMap { line in
                guard let open = line.firstIndex(of: "["), let close = line.lastIndex(of: "]") else {
                    return nil
                }
                return String(line[line.index(after: open)..<close])
            }
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

    @Test func registerdLinksNoAsyncHTTPClientAndNoHTTP2() async throws {
        let registerd = try await Self.symbols(of: "registerd")
        #expect(Self.count(of: "NIOHTTP1", in: registerd) > 0)
        #expect(
            Self.count(of: "AsyncHTTPClient", in: registerd) == 0, "registerd links AsyncHTTPClient again")
        #expect(Self.count(of: "NIOHTTP2", in: registerd) == 0, "registerd links HTTP/2 again")
        let settlementd = try await Self.symbols(of: "settlementd")
        #expect(Self.count(of: "AsyncHTTPClient", in: settlementd) > 100)
    }

    @Test func registerdNeedsFoundationsEssentialsOnly() async throws {
        let registerd = try await Self.neededLibraries(of: "registerd")
        #expect(registerd.contains("libswiftCore.so"), "the dynamic section was not read: \(registerd)")
        let heavy = ["libFoundation.so", "libFoundationInternationalization.so", "lib_FoundationICU.so"]
        #expect(
            registerd.filter(heavy.contains).isEmpty, "registerd needs \(registerd.filter(heavy.contains))")
        #expect(try await Self.neededLibraries(of: "settlementd").contains("libFoundation.so"))
    }

    @Test func registerdLinksNoWebFramework() async throws {
        let registerd = try await Self.symbols(of: "registerd")
        #expect(Self.count(of: "DaemonSupport", in: registerd) > 0)
        for module in ["Hummingbird", "HummingbirdCore", "HTTPTypes"] {
            #expect(Self.count(of: module, in: registerd) == 0, "registerd links \(module) again")
        }
        #expect(Self.count(of: "Hummingbird", in: try await Self.symbols(of: "settlementd")) > 100)
    }
}
