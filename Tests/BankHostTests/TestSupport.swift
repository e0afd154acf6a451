import BankHost
import Foundation
import ISO8583
import ISO8583NIO
import LogCapture
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// Test cards (public test numbers only) at a bank host on a loopback port with a temp SQLite file.
struct TestBank {
    static let accounts = [
        Account(
            id: "visa-credit", pan: "4111111111111111", expiry: "3012", cvc: "123", currency: "JPY",
            limit: 100_000,
            perTransactionLimit: 50_000),
        Account(
            id: "mc-debit", pan: "5555555555554444", expiry: "3006", cvc: "456", currency: "JPY", limit: 3000),
        Account(
            id: "visa-expired", pan: "4000000000000069", expiry: "2001", cvc: "123", currency: "JPY",
            limit: 1000),
        Account(
            id: "visa-blocked", pan: "4000000000000002", expiry: "3012", cvc: "123", currency: "JPY",
            limit: 1000,
            blocked: true),
        Account(
            id: "visa-faulty", pan: "4242424242424242", expiry: "3012", cvc: "123", currency: "JPY",
            limit: 1000),
    ]

    let directory: URL
    let ledger: IssuerLedger
    let issuer: Issuer
    let server: BankHostServer
    let logs: CapturedLog

    static func start(faults: FaultPlan = .none, directory: URL? = nil) async throws -> TestBank {
        let directory =
            directory
            ?? FileManager.default.temporaryDirectory.appendingPathComponent(
                "banksim-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let logs = CapturedLog()
        let logger = logs.logger(label: "test-bank")
        let ledger = try IssuerLedger(path: directory.appendingPathComponent("bank.sqlite").path)
        let issuer = Issuer(accounts: try AccountBook(accounts: accounts), ledger: ledger, logger: logger)
        let server = try await BankHostServer.start(port: 0, issuer: issuer, faults: faults, logger: logger)
        return TestBank(directory: directory, ledger: ledger, issuer: issuer, server: server, logs: logs)
    }

    /// Stops the server and opens a new one on the same ledger file (a bank restart).
    func restarted() async throws -> TestBank {
        await server.stop()
        return try await TestBank.start(directory: directory)
    }
}

/// A bare ISO 8583 TCP client: writes framed requests, reads framed replies.
struct RawClient {
    let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>

    static func connect(port: Int) async throws -> RawClient {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addISO8583Framing()
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return RawClient(channel: channel)
    }

    /// Sends `requests` and collects up to `replies` answers. Returns what arrived before the
    /// connection closed or `wait` passed (an upper bound, not a timing assertion).
    func exchange(
        _ requests: [[UInt8]], replies: Int, wait: Duration = .seconds(10)
    ) async throws -> [[UInt8]] {
        try await channel.executeThenClose { inbound, outbound in
            for request in requests { try await outbound.write(ByteBuffer(bytes: request)) }
            let underlying = channel.channel
            let timer = Task {
                try? await Task.sleep(for: wait)
                try? await underlying.close()
            }
            defer { timer.cancel() }
            var received: [[UInt8]] = []
            do {
                for try await frame in inbound {
                    received.append(Array(buffer: frame))
                    if received.count == replies { break }
                }
            } catch {}
            return received
        }
    }

    /// One request on a fresh connection; the decoded answer, or nil when none came.
    static func ask(
        _ request: ISOMessage, port: Int, wait: Duration = .seconds(10)
    ) async throws -> ISOMessage? {
        let client = try await connect(port: port)
        let replies = try await client.exchange([try ISO8583Codec().encode(request)], replies: 1, wait: wait)
        return try replies.first.map { try ISO8583Codec().decode($0) }
    }
}

enum Messages {
    /// A 0100 for `pan`, with the card's usual expiry/CVC unless overridden.
    static func authorization(
        pan: String = "4111111111111111", amount: Int64 = 1155, stan: String, expiry: String = "3012",
        cvc: String? = "123", currency: String = "392", terminal: String = "TERM0001",
        transmission: String = "0612153045"
    ) -> ISOMessage {
        var m = ISOMessage(mti: .authorizationRequest)
        m[.primaryAccountNumber] = pan
        m[.processingCode] = "000000"
        m[.amount] = String(format: "%012lld", amount)
        m[.transmissionDateTime] = transmission
        m[.systemTraceAuditNumber] = stan
        m[.localTime] = "153045"
        m[.localDate] = "0612"
        m[.expirationDate] = expiry
        m[.posEntryMode] = "010"
        m[.retrievalReferenceNumber] = "6162150" + stan.suffix(5)
        m[.terminalID] = terminal
        m[.merchantID] = "MERCHANT0000042"
        m[.additionalDataPrivate] = cvc
        m[.currencyCode] = currency
        return m
    }

    /// A 0400 (or 0401) reversing `original`.
    static func reversal(of original: ISOMessage, stan: String, repeat isRepeat: Bool = false) -> ISOMessage {
        var m = ISOMessage(mti: isRepeat ? .reversalRequestRepeat : .reversalRequest)
        for field in [
            ISOField.primaryAccountNumber, .processingCode, .amount, .retrievalReferenceNumber, .terminalID,
            .merchantID, .currencyCode,
        ] {
            m[field] = original[field]
        }
        m[.transmissionDateTime] = "0612153115"
        m[.systemTraceAuditNumber] = stan
        m[.originalDataElements] =
            "0100" + original[.systemTraceAuditNumber]! + original[.transmissionDateTime]!
            + String(repeating: "0", count: 22)
        return m
    }
}
