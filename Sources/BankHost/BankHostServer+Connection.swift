import ISO8583
import Logging
import NIOCore

extension BankHostServer {
    func serve(
        _ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>, issuer: Issuer, faults: FaultPlan,
        logger: Logger
    ) async {
        let id = ObjectIdentifier(connection.channel)
        connections.withLock { $0[id] = connection.channel }
        counters.withLock { $0.connectionsAccepted += 1 }
        var peerLogger = logger
        peerLogger[metadataKey: "peer"] = "\(connection.channel.remoteAddress?.description ?? "?")"
        let logger = peerLogger
        logger.info("acquirer connected")
        defer { connections.withLock { $0[id] = nil } }
        do {
            try await connection.executeThenClose { inbound, outbound in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await frame in inbound {
                        counters.withLock { $0.requestsReceived += 1 }
                        group.addTask {
                            await self.answer(
                                Array(buffer: frame), on: connection.channel, outbound: outbound,
                                issuer: issuer,
                                faults: faults, logger: logger)
                        }
                    }
                }
            }
        } catch {
            logger.info("connection ended: \(error)")
        }
        logger.info("acquirer disconnected")
    }

    func answer(
        _ bytes: [UInt8], on channel: any Channel, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
        issuer: Issuer, faults: FaultPlan, logger: Logger
    ) async {
        let request: ISOMessage
        do { request = try issuer.codec.decode(bytes) } catch {
            counters.withLock { $0.unreadableRequests += 1 }
            logger.warning("unreadable request dropped: \(error)")
            return
        }
        logger.debug("request \(request)")
        let drawn = faults.draw(
            accountID: request.mti.messageClass == 8 ? nil : issuer.accountID(for: request),
            messageType: request.mti.rawValue)
        if !drawn.isEmpty {
            logger.notice("fault injection: \(drawn.map(\.description).joined(separator: ", "))")
        }
        guard var reply = await issuer.respond(to: request, unavailable: drawn.contains(.issuerUnavailable))
        else {
            return
        }
        for fault in drawn {
            switch fault {
            case .delay(let milliseconds):
                try? await Task.sleep(for: .milliseconds(milliseconds))
            case .dropResponse:
                return
            case .closeConnection:
                try? await channel.close()
                return
            case .garbleReply:
                reply = reply.map { $0 ^ 0x5A }
            case .issuerUnavailable:
                break
            }
        }
        do { try await outbound.write(ByteBuffer(bytes: reply)) } catch {
            logger.info("could not send reply, connection gone: \(error)")
        }
    }
}
