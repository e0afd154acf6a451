/// A failure of the command itself (options, files, terminal), with the sentence to print.
struct PayagentFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}
