import ISO8583

/// Decodes arbitrary bytes as an ISO 8583 message of the PairPay profile. Bad input must give a
/// typed error, never a crash; whatever decodes must encode and decode to the same message.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzISO8583(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let codec = ISO8583Codec()
    guard let message = try? codec.decode(bytes) else { return 0 }
    guard let encoded = try? codec.encode(message) else {
        preconditionFailure("a decoded message could not be encoded: \(message)")
    }
    let again = try? codec.decode(encoded)
    precondition(again == message, "round trip changed the message: \(message)")
    _ = message.description  // masking code runs on hostile field contents
    return 0
}
