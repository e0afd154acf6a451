/// HELLO (register → registerd): the register introduces itself after power-on or a reconnect.
public struct Hello: MessageBody {
    public static let messageType = MessageType.hello
    /// The only protocol version this implementation speaks.
    public static let currentProtocolVersion: UInt8 = 1

    public var protocolVersion: UInt8
    public var deviceID: String
    public var software: String?

    public init(
        protocolVersion: UInt8 = Hello.currentProtocolVersion, deviceID: String, software: String? = nil
    ) {
        self.protocolVersion = protocolVersion
        self.deviceID = deviceID
        self.software = software
    }

    public init(fields: FieldReader<Field>) throws(MessageDecodingError) {
        protocolVersion = try fields.u8(.protocolVersion)
        deviceID = try fields.string(.deviceID)
        software = try fields.optionalString(.software)
    }

    public func encode(into fields: inout FieldWriter<Field>) {
        fields.u8(.protocolVersion, protocolVersion)
        fields.string(.deviceID, deviceID)
        fields.string(.software, ifPresent: software)
    }
}

/// HELLO REPLY (registerd → register): the terminal's id, software and limits.
public struct HelloReply: MessageBody {
    public static let messageType = MessageType.helloReply

    public var protocolVersion: UInt8
    public var deviceID: String
    public var software: String?
    public var maximumPayload: UInt16?

    public init(
        protocolVersion: UInt8 = Hello.currentProtocolVersion, deviceID: String, software: String? = nil,
        maximumPayload: UInt16? = nil
    ) {
        self.protocolVersion = protocolVersion
        self.deviceID = deviceID
        self.software = software
        self.maximumPayload = maximumPayload
    }

    public init(fields: FieldReader<Field>) throws(MessageDecodingError) {
        protocolVersion = try fields.u8(.protocolVersion)
        deviceID = try fields.string(.deviceID)
        software = try fields.optionalString(.software)
        maximumPayload = try fields.optionalU16(.maximumPayload)
    }

    public func encode(into fields: inout FieldWriter<Field>) {
        fields.u8(.protocolVersion, protocolVersion)
        fields.string(.deviceID, deviceID)
        fields.string(.software, ifPresent: software)
        if let maximumPayload { fields.u16(.maximumPayload, maximumPayload) }
    }
}
