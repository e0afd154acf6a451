import ISO8583
import PairPayCore
import Testing

/// `ISOMessage` keeps its fields in one array ordered by field number: setting, replacing and
/// removing in any order must behave exactly like the dictionary it replaced.
@Suite struct ISOMessageFieldsTests {
    @Test func anyOrderOfSetsAndRemovalsMatchesADictionary() {
        var random = SplitMix64(seed: 88)
        let all = ISOField.allCases
        for _ in 0..<300 {
            var message = ISOMessage(mti: .authorizationRequest)
            var reference: [ISOField: String] = [:]
            for step in 0..<40 {
                let field = all[Int(random.next() % UInt64(all.count))]
                let value: String? = random.next() % 4 == 0 ? nil : "v\(step)"
                message[field] = value
                reference[field] = value
            }
            #expect(message.presentFields == reference.keys.sorted())
            #expect(message.fields == reference)
            for field in all { #expect(message[field] == reference[field]) }
            #expect(message == ISOMessage(mti: .authorizationRequest, fields: reference))
        }
    }

    @Test func encodingDoesNotDependOnTheOrderFieldsWereSet() throws {
        let codec = ISO8583Codec()
        var ascending = ISOMessage(mti: .authorizationResponse)
        ascending[.systemTraceAuditNumber] = "000042"
        ascending[.responseCode] = "00"
        ascending[.terminalID] = "TERM0001"
        var descending = ISOMessage(mti: .authorizationResponse)
        descending[.terminalID] = "TERM0001"
        descending[.responseCode] = "00"
        descending[.systemTraceAuditNumber] = "000042"
        let bytes = try codec.encode(ascending)
        #expect(try codec.encode(descending) == bytes)
        #expect(try codec.decode(bytes) == descending)
    }
}
