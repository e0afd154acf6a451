import Foundation

/// The machine a run was on: CPU model, cores, kernel, Swift version, and the load at the start.
struct Machine: Sendable {
    let cpu: String
    let cores: Int
    let kernel: String
    let swift: String
    let load: String

    static func current() -> Machine {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model =
            cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { $0.split(separator: ":", maxSplits: 1).last.map(String.init) ?? "" }?
            .trimmingCharacters(in: .whitespaces) ?? "unknown"
        let kernel =
            ((try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8)) ?? "unknown")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let load =
            ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "")
            .split(separator: " ").prefix(3).joined(separator: " ")
        let swift =
            (try? Shell.output("/bin/sh", ["-c", "swift --version 2>&1 | head -1"]))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown"
        return Machine(
            cpu: model, cores: ProcessInfo.processInfo.activeProcessorCount, kernel: "Linux " + kernel,
            swift: swift, load: load)
    }

    var lines: [String] {
        [
            "- CPU: \(cpu), \(cores) cores (shared)", "- kernel: \(kernel)", "- Swift: \(swift)",
            "- load average at start: \(load)",
        ]
    }
}
