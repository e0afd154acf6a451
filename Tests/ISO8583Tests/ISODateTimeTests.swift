import Foundation
import ISO8583
import PairPayCore
import Testing

/// `ISODateTime` replaced a `DateFormatter` per field in the acquirer: it must give the same
/// text as the formatter (UTC, POSIX locale) for every moment, leap days and year ends included.
@Suite struct ISODateTimeTests {
    static func formatted(_ date: Date, _ pattern: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = pattern
        return formatter.string(from: date)
    }

    func expectSameAsFormatter(_ seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        let fields = ISODateTime(secondsSince1970: seconds)
        #expect(fields.transmission == Self.formatted(date, "MMddHHmmss"), "at \(seconds)")
        #expect(fields.time == Self.formatted(date, "HHmmss"), "at \(seconds)")
        #expect(fields.date == Self.formatted(date, "MMdd"), "at \(seconds)")
        #expect(
            fields.yearDigitDayOfYearHour == String(Self.formatted(date, "yyDDDHH").dropFirst()),
            "at \(seconds)")
        #expect(fields.year == Int(Self.formatted(date, "yyyy")), "at \(seconds)")
    }

    @Test func edgesOfDaysYearsAndLeapYears() {
        let moments: [Double] = [
            0, 59, 86_399, 86_400,  // the epoch and its first day's end
            951_782_399, 951_782_400, 951_868_800,  // 2000-02-28 23:59:59, 02-29 (a leap century), 03-01
            978_220_800,  // 2000-12-31: day 366
            1_709_164_800,  // 2024-02-29
            4_107_542_399, 4_107_542_400,  // 2100-02-28 23:59:59 and 2100-03-01 (2100 is not a leap year)
            1_798_761_599, 1_798_761_600,  // 2026-12-31 23:59:59, 2027-01-01
            -1, -86_400, -2_208_988_800,  // before the epoch: 1969-12-31, 1900-01-01
            1_764_031_234.999,  // a fraction is dropped, not rounded
        ]
        for seconds in moments { expectSameAsFormatter(seconds) }
    }

    @Test func randomMomentsAgreeWithTheFormatter() {
        var random = SplitMix64(seed: 8583)
        for _ in 0..<2_000 {
            // 1901…2199, whole seconds and fractions alike.
            let seconds =
                Double(Int64(random.next() % 9_400_000_000) - 2_170_000_000) + Double(random.next() % 1000)
                / 1000
            expectSameAsFormatter(seconds)
        }
    }
}
