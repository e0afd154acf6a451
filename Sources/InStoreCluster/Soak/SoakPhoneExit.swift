import Foundation

/// The exit status of a payagent run, set by the task that runs it and read by the register's
/// loop, which keeps reading the line meanwhile.
final class SoakPhoneExit: @unchecked Sendable {
    private let lock = NSLock()
    private var status: Int32?

    func set(_ value: Int32) { lock.withLock { status = value } }

    var value: Int32? { lock.withLock { status } }
}
