import PairPayQR
import Testing

@Suite struct ChecksumTests {
    @Test func crc32CheckValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(ReferenceChecksums.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
    }

    @Test func adler32OfWikipedia() {
        #expect(Adler32.checksum(Array("Wikipedia".utf8)) == 0x11E6_0398)
        #expect(ReferenceChecksums.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
    }

    @Test func emptyInputs() {
        #expect(CRC32.checksum([UInt8]()) == 0)
        #expect(Adler32.checksum([UInt8]()) == 1)
    }

    @Test func theTableDrivenCRCAgreesWithTheBitwiseOne() {
        var generator = SystemRandomNumberGenerator()
        for length in [1, 2, 7, 255, 256, 4096] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(CRC32.checksum(bytes) == ReferenceChecksums.crc32(bytes), "\(length) bytes")
        }
    }

    @Test func adler32StaysExactPastItsReductionInterval() {
        // All 0xFF bytes are the worst case for the sums; cross 5552 bytes several times.
        for length in [5_551, 5_552, 5_553, 20_000, 100_000] {
            let bytes = [UInt8](repeating: 0xFF, count: length)
            #expect(Adler32.checksum(bytes) == ReferenceChecksums.adler32(bytes), "\(length) bytes")
        }
    }

    @Test func checksumsContinueFromAnEarlierResult() {
        let bytes = Array("PairPay QR code".utf8)
        #expect(CRC32.checksum(bytes[7...], initial: CRC32.checksum(bytes[..<7])) == CRC32.checksum(bytes))
        #expect(
            Adler32.checksum(bytes[7...], initial: Adler32.checksum(bytes[..<7])) == Adler32.checksum(bytes))
    }
}
