/// The delimiter bytes of the link framing (`hw/PROTOCOL.md` §2).
public enum ControlByte {
    /// Data link escape: starts `DLE STX` and `DLE ETX`, and is doubled when it occurs in a frame.
    public static let dle: UInt8 = 0x10
    /// Start of text: `DLE STX` opens a frame.
    public static let stx: UInt8 = 0x02
    /// End of text: `DLE ETX` closes a frame.
    public static let etx: UInt8 = 0x03
}
