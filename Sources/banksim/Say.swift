import Foundation

/// Writes one line to standard output unbuffered, so a process reading banksim's output (a test,
/// a script waiting for the port) sees it at once.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
