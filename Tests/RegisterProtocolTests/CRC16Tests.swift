import RegisterProtocol
import Testing

@Suite struct CRC16Tests {
    @Test func checkValueOfTheNamedVariant() {
        // CRC-16/IBM-3740 check value from the CRC catalogue.
        #expect(CRC16.checksum(Array("123456789".utf8)) == 0x29B1)
    }

    @Test func emptyInputGivesTheInitialValue() {
        #expect(CRC16.checksum([UInt8]()) == 0xFFFF)
    }

    @Test func chainingEqualsOnePass() {
        let bytes = Array("PairPay register link".utf8)
        let first = CRC16.checksum(bytes[..<7])
        #expect(CRC16.checksum(bytes[7...], initial: first) == CRC16.checksum(bytes))
    }

    @Test func singleBitFlipsAreDetected() {
        let bytes: [UInt8] = [0x01, 0x20, 0x10, 0x00, 0x03, 0x41, 0x42, 0x43]
        let reference = CRC16.checksum(bytes)
        for index in bytes.indices {
            for bit in 0..<8 {
                var damaged = bytes
                damaged[index] ^= 1 << bit
                #expect(CRC16.checksum(damaged) != reference)
            }
        }
    }
}
