import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension BuiltExecutable {
    /// The long options a daemon's `--help` lists (without dashes), less `help` and `version`.
    public static func helpOptions(_ name: String) async throws -> Set<String> {
        let (_, help) = try await run(name, ["--help"])
        // The option lines of the OPTIONS section: "  --port <port>   TCP port; …", "  -h, --help".
        guard let section = help.components(separatedBy: "OPTIONS:").last else { return [] }
        return Set(
            section.split(separator: "\n").compactMap { line -> String? in
                let trimmed = line.drop(while: { $0 == " " })
                guard trimmed.count < line.count else { return nil }
                let option = trimmed.hasPrefix("-h, ") ? trimmed.dropFirst(4) : trimmed
                guard option.hasPrefix("--") else { return nil }
                return String(option.dropFirst(2).prefix(while: { $0.isLetter || $0.isNumber || $0 == "-" }))
            }
        ).subtracting(["help", "version"])
    }

    /// The keys a daemon's configuration file may set, as it lists them when it refuses an unknown
    /// one (`… known keys: a, b, c`); it is run once with a file holding only an unknown key.
    public static func configurationKeys(_ name: String) async throws -> Set<String> {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("unknown-\(UUID()).conf")
            .path
        try "no-such-option = 1\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (status, output) = try await run(name, ["--config", path])
        guard status != 0, let known = output.components(separatedBy: "known keys: ").last, known != output
        else {
            return []
        }
        return Set(known.split(separator: "\n").first.map { $0.components(separatedBy: ", ") } ?? [])
    }

    /// Whether a TCP connect to 127.0.0.1:`port` succeeds now.
    public static func isListening(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
