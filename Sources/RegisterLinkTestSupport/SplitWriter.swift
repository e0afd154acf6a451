import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Writes bytes to a pseudo-terminal one at a time from a thread of its own, sleeping between them.
final class SplitWriter: @unchecked Sendable {
    private let terminal: PseudoTerminal
    private let bytes: [UInt8]
    private let gapMicroseconds: UInt32
    private let finished = Atomic<Bool>(false)

    init(terminal: PseudoTerminal, bytes: [UInt8], gapMicroseconds: UInt32) {
        self.terminal = terminal
        self.bytes = bytes
        self.gapMicroseconds = gapMicroseconds
    }

    var isFinished: Bool { finished.load(ordering: .acquiring) }

    func start() {
        var thread = pthread_t()
        let box = Unmanaged.passRetained(self)
        pthread_create(
            &thread, nil,
            { argument in
                let writer = Unmanaged<SplitWriter>.fromOpaque(argument!).takeRetainedValue()
                for byte in writer.bytes {
                    writer.terminal.write([byte])
                    usleep(writer.gapMicroseconds)
                }
                writer.finished.store(true, ordering: .releasing)
                return nil
            }, box.toOpaque())
        pthread_detach(thread)
    }
}
