import RegisterProtocol

/// Feeds arbitrary bytes to the link: the frame decoder (in chunks, with time passing between
/// them) and the link state machine. Checks that every frame that comes out re-encodes to bytes
/// that decode to the same frame, that a clean frame after the garbage is still found, and that
/// the state machine never delivers a frame whose checksum it did not verify.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFrameDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let control = bytes.first else { return 0 }
    let input = bytes.dropFirst()
    let chunk = Int(control & 0x1F) + 1
    let gap = Duration.milliseconds(Int(control >> 5) * 60)  // 0…420 ms: some gaps exceed T_byte

    var decoder = FrameDecoder(interByteTimeout: .milliseconds(200), maximumPayloadSize: 256)
    var machine = LinkStateMachine(configuration: LinkConfiguration(maximumPayloadSize: 256))
    var now = ContinuousClock.now
    var index = input.startIndex
    while index < input.endIndex {
        let end = input.index(index, offsetBy: chunk, limitedBy: input.endIndex) ?? input.endIndex
        let piece = input[index..<end]
        for event in decoder.feed(piece, at: now) {
            if case .frame(let frame) = event {
                precondition(frame.payload.count <= 256, "oversize frame delivered")
                var again = FrameDecoder()
                precondition(again.feed(FrameEncoder.encode(frame), at: now) == [.frame(frame)], "re-encode mismatch")
            }
        }
        for output in machine.receive(piece, at: now) + machine.tick(at: now) {
            if case .deliver(let frame) = output {
                precondition(!frame.isLinkControl, "a link-control frame was delivered to the application")
            }
        }
        now += gap
        index = end
    }
    // Whatever came before, a clean frame after a pause is found.
    let probe = Frame(sequence: 7, type: MessageType.statusRequest.rawValue)
    let found = decoder.feed(FrameEncoder.encode(probe), at: now + .seconds(1))
    precondition(found.last == .frame(probe), "a clean frame after garbage was not found")
    return 0
}
