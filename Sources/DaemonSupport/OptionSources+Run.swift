import ArgumentParser

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension OptionSources {
    /// A daemon's `main`: parses `Command` from its configuration file, its environment and its
    /// command line, assembled by ``arguments(commandLine:environment:readFile:)``, so every value
    /// is validated alike whatever its source; then runs it. An error ends the process with
    /// ArgumentParser's message (naming the option) and exit code.
    public func run<Command: AsyncParsableCommand>(_: Command.Type) async {
        do {
            let arguments = try arguments(
                commandLine: Array(CommandLine.arguments.dropFirst()),
                environment: ProcessInfo.processInfo.environment)
            var command = try Command.parseAsRoot(arguments)
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            Command.exit(withError: error)
        }
    }
}
