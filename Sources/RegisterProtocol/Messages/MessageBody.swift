/// A message's fields, encodable to and decodable from a payload.
public protocol MessageBody: Equatable, Sendable {
    /// The TYPE byte this message travels with.
    static var messageType: MessageType { get }
    /// Reads the message from its top-level fields.
    init(fields: FieldReader<Field>) throws(MessageDecodingError)
    /// Writes the message's fields.
    func encode(into fields: inout FieldWriter<Field>)
}

extension MessageBody {
    /// The encoded payload.
    public var payload: [UInt8] {
        var writer = FieldWriter<Field>()
        encode(into: &writer)
        return writer.bytes
    }
}
