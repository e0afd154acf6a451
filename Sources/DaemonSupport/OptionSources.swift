/// Assembles a daemon's command line from its three sources, for ArgumentParser to parse and
/// check as one: the configuration file (`--config FILE`), the environment (`PREFIX_OPTION`, the
/// long option upper-cased with `-` as `_`), and the command line itself.
///
/// The file's values come first, the environment's next, the command line's last: ArgumentParser
/// keeps the last value of an option, so the command line wins over the environment, which wins
/// over the file, which wins over the defaults. Every value is then validated by the same code
/// whatever its source, and an error names the option as it is spelt on the command line.
public struct OptionSources: Sendable {
    /// The long options (without dashes) the file and the environment may set.
    public let keys: Set<String>
    /// The environment variables' prefix, such as `SETTLEMENTD_`.
    public let environmentPrefix: String

    public init(keys: Set<String>, environmentPrefix: String) {
        self.keys = keys
        self.environmentPrefix = environmentPrefix
    }

    /// The environment variable for `key`: `database-connections` → `SETTLEMENTD_DATABASE_CONNECTIONS`.
    public func environmentVariable(for key: String) -> String {
        environmentPrefix + key.uppercased().replacing("-", with: "_")
    }

    /// The arguments to parse.
    /// - Parameters:
    ///   - commandLine: the arguments as given (without the program name).
    ///   - environment: the process environment.
    ///   - readFile: reads a configuration file (``ConfigurationFile/init(path:knownKeys:)``).
    /// - Throws: ``ConfigurationFileError`` for a file that cannot be used.
    public func arguments(
        commandLine: [String], environment: [String: String],
        readFile: (String, Set<String>) throws(ConfigurationFileError) -> ConfigurationFile = {
            path, keys throws(ConfigurationFileError) in try ConfigurationFile(path: path, knownKeys: keys)
        }
    ) throws(ConfigurationFileError) -> [String] {
        let configPath =
            Self.value(of: "config", in: commandLine) ?? environment[environmentVariable(for: "config")]
        var assembled: [String] = []
        if let configPath {
            let file = try readFile(configPath, keys)
            for key in file.values.keys.sorted() {
                assembled += ["--\(key)", file.values[key]!]
            }
        }
        for key in keys.sorted() {
            if let value = environment[environmentVariable(for: key)] {
                assembled += ["--\(key)", value]
            }
        }
        return assembled + commandLine
    }

    /// The value of `--name VALUE` or `--name=VALUE` in `arguments`, the last one if repeated.
    static func value(of name: String, in arguments: [String]) -> String? {
        var found: String?
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            if argument == "--" { break }
            if argument == "--\(name)", index + 1 < arguments.endIndex {
                found = arguments[index + 1]
                index += 1
            } else if argument.hasPrefix("--\(name)=") {
                found = String(argument.dropFirst(name.count + 3))
            }
            index += 1
        }
        return found
    }
}
