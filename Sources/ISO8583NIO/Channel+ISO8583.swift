import NIOCore

extension ChannelPipeline.SynchronousOperations {
    /// Adds the 2-byte length framing, so the channel reads and writes whole ISO 8583 messages as
    /// `ByteBuffer`s.
    public func addISO8583Framing(maximumFrameLength: Int = 8192) throws {
        try addHandler(ByteToMessageHandler(ISO8583FrameDecoder(maximumFrameLength: maximumFrameLength)))
        try addHandler(MessageToByteHandler(ISO8583FrameEncoder()))
    }
}
