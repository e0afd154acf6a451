/// Why a payload could not be read as a message. Each case names the field, so the ERROR sent
/// back to the register says exactly what to fix.
public enum MessageDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownMessageType(UInt8)
    case notAMessage(MessageType)
    case truncated(offset: Int)
    case missingField(String)
    case repeatedField(String)
    case wrongLength(field: String, expected: String, actual: Int)
    case invalidCharacters(field: String)
    case invalidValue(field: String, reason: String)
    case tooManyItems(field: String, maximum: Int)

    public var description: String {
        switch self {
        case .unknownMessageType(let type):
            return "unknown message type 0x\(hex(type))"
        case .notAMessage(let type):
            return "\(type.name) is a link-control frame, not a message"
        case .truncated(let offset):
            return "field list truncated at byte \(offset): a field's length runs past the payload"
        case .missingField(let name):
            return "required field \(name) is missing"
        case .repeatedField(let name):
            return "field \(name) appears more than once"
        case .wrongLength(let field, let expected, let actual):
            return "field \(field) has \(actual) bytes; it must have \(expected)"
        case .invalidCharacters(let field):
            return "field \(field) contains characters outside its allowed set"
        case .invalidValue(let field, let reason):
            return "field \(field) is invalid: \(reason)"
        case .tooManyItems(let field, let maximum):
            return "too many \(field) fields: at most \(maximum)"
        }
    }
}

func hex(_ byte: UInt8) -> String {
    let digits = String(byte, radix: 16, uppercase: true)
    return digits.count == 1 ? "0" + digits : digits
}
