import Dispatch
import Logging
import RegisterLink
import ServiceLifecycle

/// The register link as a `Service` of registerd's `ServiceGroup`: when it runs it waits for
/// `prepare` (what must be ready before the register may send, such as the relay endpoint whose
/// URL goes into payment requests), opens the device, and on graceful shutdown closes it. Closing
/// ends the link's events, and with them ``RegisterService``'s run.
public struct SerialLinkService: Service {
    let link: SerialLink
    let logger: Logger
    let prepare: @Sendable () async throws -> Bool

    /// - Parameter prepare: runs before the device is opened and says whether to open it; when it
    ///   says no (what it waited for failed, and the group is ending with that failure), the
    ///   service waits for the end without opening the device. When it throws, the service fails.
    public init(
        link: SerialLink, logger: Logger, prepare: @escaping @Sendable () async throws -> Bool = { true }
    ) {
        self.link = link
        self.logger = logger
        self.prepare = prepare
    }

    public func run() async throws {
        do {
            if try await prepare() { link.start() }
            try await gracefulShutdown()
            logger.info("stopping: closing the register link (an open transaction stays journaled)")
        } catch {
            await Self.stop(link)
            throw error
        }
        await Self.stop(link)
    }

    /// `SerialLink.stop()` joins the link thread: done on a dispatch thread, not the cooperative pool.
    static func stop(_ link: SerialLink) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                link.stop()
                done.resume()
            }
        }
    }
}
