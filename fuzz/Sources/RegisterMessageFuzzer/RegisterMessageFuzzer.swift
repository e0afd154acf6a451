import RegisterProtocol

/// Decodes arbitrary payloads as every message type. Whatever decodes must encode back to a
/// payload that decodes to the same message (the codec is its own inverse on valid input).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRegisterMessage(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let type = bytes.first else { return 0 }
    let payload = Array(bytes.dropFirst())
    guard let message = try? RegisterMessage(type: type, payload: payload) else { return 0 }
    precondition(message.type.rawValue == type, "decoded as another type")
    let again = try? RegisterMessage(type: type, payload: message.payload)
    precondition(again == message, "round trip changed the message: \(message)")
    if case .sale(let sale) = message {
        _ = try? sale.validated()  // arithmetic on hostile amounts must not trap
    }
    return 0
}
