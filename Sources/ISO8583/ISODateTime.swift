/// A moment broken into the UTC calendar fields that ISO 8583 date and time fields are made of:
/// field 7 (transmission date and time, `MMDDhhmmss`), 12 (`hhmmss`), 13 (`MMDD`), and the
/// `YDDDhh` prefix PairPay puts in retrieval reference numbers.
///
/// Pure integer arithmetic on seconds since 1970 (the proleptic Gregorian calendar), so an
/// authorization formats its times without creating a `DateFormatter`, which costs more than the
/// rest of building the message.
public struct ISODateTime: Sendable, Equatable {
    public let year: Int
    /// 1…12.
    public let month: Int
    /// 1…31.
    public let day: Int
    /// 1…366.
    public let dayOfYear: Int
    public let hour: Int
    public let minute: Int
    public let second: Int

    /// The UTC calendar fields of `secondsSince1970` (fractions are dropped toward the past).
    public init(secondsSince1970: Double) {
        let whole = Int64(secondsSince1970.rounded(.down))
        var days = whole / 86_400
        var secondOfDay = whole % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        hour = Int(secondOfDay / 3_600)
        minute = Int(secondOfDay % 3_600 / 60)
        second = Int(secondOfDay % 60)
        // Days to civil date, after Howard Hinnant's "chrono-compatible low-level date algorithms".
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfMarchYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfMarchYear + 2) / 153
        day = Int(dayOfMarchYear - (153 * monthFromMarch + 2) / 5 + 1)
        month = Int(monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9)
        year = Int(yearOfEra + era * 400 + (month <= 2 ? 1 : 0))
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let daysBeforeMonth = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334]
        dayOfYear = daysBeforeMonth[month - 1] + day + (leap && month > 2 ? 1 : 0)
    }

    /// Field 7, transmission date and time: `MMDDhhmmss`.
    public var transmission: String {
        Self.digits([(month, 2), (day, 2), (hour, 2), (minute, 2), (second, 2)])
    }

    /// Field 12, time: `hhmmss`.
    public var time: String { Self.digits([(hour, 2), (minute, 2), (second, 2)]) }

    /// Field 13, date: `MMDD`.
    public var date: String { Self.digits([(month, 2), (day, 2)]) }

    /// The last digit of the year, the day of the year and the hour: `YDDDhh`.
    public var yearDigitDayOfYearHour: String { Self.digits([(year % 10, 1), (dayOfYear, 3), (hour, 2)]) }

    /// Each value as exactly its count of decimal digits, zero-padded.
    static func digits(_ parts: [(value: Int, width: Int)]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(parts.reduce(0) { $0 + $1.width })
        for part in parts { ASCIIDigits.append(part.value, width: part.width, to: &bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
