// When a log line was written, in each form a Jitsi host writes it:
//
//   2026-12-01T09:00:00.123+01:00   ISO 8601 / RFC 3339 (RFC 5424 syslog, `journalctl -o short-iso`, docker -t)
//   2026-12-01 09:00:00.123         Jitsi (JVB, Jicofo), Prosody under docker
//   Dec  1 09:00:00 / Dec 01 …      syslog (rsyslog, `journalctl`), Prosody's own file: space- or zero-padded
//   2026/12/01 09:00:00             nginx error.log
//   [01/Dec/2026:09:00:00 +0100]    nginx access.log (after the client address and user)
//   Dec 1, 2026 9:00:00 AM          java.util.logging's two-line format (Jitsi before 2020)
//
// A form without an offset is read as UTC: the bundle sets the host's clock to UTC (cloud-init
// `timezone`). The year a syslog line leaves out is the one that puts it nearest the day examined.
// Pure: bytes in, a Unix time out.

/// A timestamp found at the start of a log line.
struct LogTimestamp: Sendable, Hashable {
    /// Unix time, seconds.
    var seconds: Int64
    /// Where the text after the timestamp starts (index into the line).
    var end: Int
}

extension LogTimestamp {
    /// How far into a line the timestamp may start: after a container prefix (`prosody-1  | `), a
    /// program name (`JVB `), an RFC 5424 priority (`<165>1 `).
    static let leadWindow = 64
    /// How far the bracketed access-log time may start (after an IPv6 address and a user name).
    static let accessWindow = 320

    /// The line's timestamp, or `nil` for a line without one (a continuation, a stack trace).
    ///
    /// - Parameter near: Unix time of the day examined (for the syslog year).
    static func find(in line: UnsafeBufferPointer<UInt8>, near: Int64) -> LogTimestamp? {
        var found: LogTimestamp?
        let lead = min(line.count, leadWindow)
        var index = 0
        while index < lead {
            if index == 0 || !isAlphanumeric(line[index - 1]) {
                let byte = line[index]
                if isDigit(byte) {
                    found = iso(line, at: index) ?? nginxError(line, at: index)
                } else if byte >= UInt8(ascii: "A"), byte <= UInt8(ascii: "Z") {
                    found = syslog(line, at: index, near: near) ?? javaLogging(line, at: index)
                } else if byte == UInt8(ascii: "[") {
                    if let access = access(line, at: index) { return access }
                }
                if found != nil { break }
            }
            index += 1
        }
        // An access line behind a zoneless prefix (docker's `2020-09-15 10:57:32 | 172.20.0.1 - - [15/Sep/2020:09:57:32 +0200]`):
        // the bracket, which carries its offset, is the request's time.
        let from = found.map(\.end) ?? lead
        var bracket = from
        while bracket < min(line.count, accessWindow) {
            if line[bracket] == UInt8(ascii: "["), let access = access(line, at: bracket) { return access }
            bracket += 1
        }
        return found
    }

    // MARK: forms

    /// `YYYY-MM-DD[T ]HH:MM:SS[.fraction][Z|±HH:MM|±HHMM]`.
    static func iso(_ line: UnsafeBufferPointer<UInt8>, at start: Int) -> LogTimestamp? {
        var cursor = Cursor(line: line, index: start)
        guard let year = cursor.digits(4), cursor.take("-"), let month = cursor.digits(2), cursor.take("-"),
            let day = cursor.digits(2),
            cursor.take("T") || cursor.take(" "), let time = cursor.time()
        else { return nil }
        cursor.fraction()
        let signed =
            cursor.index < line.count
            && (line[cursor.index] == UInt8(ascii: "+") || line[cursor.index] == UInt8(ascii: "-"))
        let offset = cursor.offset(colon: true)
        // A sign not followed by a real offset (`+99:00`) makes the time unknown, not UTC.
        if signed, offset == nil { return nil }
        guard let seconds = unixTime(year: year, month: month, day: day, seconds: time) else { return nil }
        return LogTimestamp(seconds: seconds - (offset ?? 0), end: cursor.index)
    }

    /// `YYYY/MM/DD HH:MM:SS` (nginx error.log, local time).
    static func nginxError(_ line: UnsafeBufferPointer<UInt8>, at start: Int) -> LogTimestamp? {
        var cursor = Cursor(line: line, index: start)
        guard let year = cursor.digits(4), cursor.take("/"), let month = cursor.digits(2), cursor.take("/"),
            let day = cursor.digits(2),
            cursor.take(" "), let time = cursor.time(),
            let seconds = unixTime(year: year, month: month, day: day, seconds: time)
        else { return nil }
        return LogTimestamp(seconds: seconds, end: cursor.index)
    }

    /// `Mon DD HH:MM:SS` or `Mon  D HH:MM:SS`, the year left out.
    static func syslog(_ line: UnsafeBufferPointer<UInt8>, at start: Int, near: Int64) -> LogTimestamp? {
        var cursor = Cursor(line: line, index: start)
        guard let month = cursor.month(), cursor.take(" ") else { return nil }
        let day: Int
        if cursor.take(" ") {
            guard let one = cursor.digits(1) else { return nil }
            day = one
        } else {
            guard let two = cursor.digits(2) else { return nil }
            day = two
        }
        guard cursor.take(" "), let time = cursor.time() else { return nil }
        cursor.fraction()
        // The year putting the line nearest the day examined (a report of 1 January reads December's lines as last year's).
        let nearYear = civil(days: near / 86_400).year
        var best: Int64?
        for year in [nearYear - 1, nearYear, nearYear + 1] {
            guard let seconds = unixTime(year: year, month: month, day: day, seconds: time) else { continue }
            if best.map({ abs(seconds - near) < abs($0 - near) }) ?? true { best = seconds }
        }
        return best.map { LogTimestamp(seconds: $0, end: cursor.index) }
    }

    /// `[DD/Mon/YYYY:HH:MM:SS ±HHMM]`.
    static func access(_ line: UnsafeBufferPointer<UInt8>, at start: Int) -> LogTimestamp? {
        var cursor = Cursor(line: line, index: start)
        guard cursor.take("["), let day = cursor.digits(2), cursor.take("/"), let month = cursor.month(),
            cursor.take("/"),
            let year = cursor.digits(4), cursor.take(":"), let time = cursor.time(), cursor.take(" "),
            let offset = cursor.offset(colon: false), cursor.take("]"),
            let seconds = unixTime(year: year, month: month, day: day, seconds: time)
        else { return nil }
        return LogTimestamp(seconds: seconds - offset, end: cursor.index)
    }

    /// `Mon D, YYYY H:MM:SS AM|PM` (java.util.logging's SimpleFormatter, the level on the next line).
    static func javaLogging(_ line: UnsafeBufferPointer<UInt8>, at start: Int) -> LogTimestamp? {
        var cursor = Cursor(line: line, index: start)
        guard let month = cursor.month(), cursor.take(" "), let day = cursor.digits(2) ?? cursor.digits(1),
            cursor.take(","),
            cursor.take(" "), let year = cursor.digits(4), cursor.take(" "),
            let hour = cursor.digits(2) ?? cursor.digits(1),
            cursor.take(":"), let minute = cursor.digits(2), cursor.take(":"), let second = cursor.digits(2),
            cursor.take(" ")
        else { return nil }
        let afternoon: Bool
        if cursor.take("PM") {
            afternoon = true
        } else if cursor.take("AM") {
            afternoon = false
        } else {
            return nil
        }
        guard (1...12).contains(hour), minute < 60, second <= 60 else { return nil }
        let hour24 = hour % 12 + (afternoon ? 12 : 0)
        guard let seconds = unixTime(year: year, month: month, day: day, seconds: hour24 * 3600 + minute * 60 + second)
        else { return nil }
        return LogTimestamp(seconds: seconds, end: cursor.index)
    }

    // MARK: calendar

    /// Seconds since 1970 of a UTC civil date and a time of day, or `nil` for a date that does not exist.
    static func unixTime(year: Int, month: Int, day: Int, seconds: Int) -> Int64? {
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return nil }
        return days(year: year, month: month, day: day) * 86_400 + Int64(seconds)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 (the proleptic Gregorian calendar, Howard Hinnant's algorithm).
    static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * Int64(month > 2 ? month - 3 : month + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The civil date of a day number (the inverse of ``days(year:month:day:)``).
    static func civil(days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (Int(yearOfEra + era * 400 + (month <= 2 ? 1 : 0)), Int(month), Int(day))
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
    }

    /// Reads fixed pieces of a timestamp, moving on only over what matched.
    struct Cursor {
        let line: UnsafeBufferPointer<UInt8>
        var index: Int

        mutating func take(_ text: StaticString) -> Bool {
            let count = text.utf8CodeUnitCount
            guard index + count <= line.count else { return false }
            for offset in 0..<count where line[index + offset] != text.utf8Start[offset] { return false }
            index += count
            return true
        }

        /// Exactly `count` digits, not followed by another digit (unless `alone` is false).
        mutating func digits(_ count: Int, alone: Bool = true) -> Int? {
            guard index + count <= line.count else { return nil }
            var value = 0
            for offset in 0..<count {
                let byte = line[index + offset]
                guard LogTimestamp.isDigit(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            if alone, index + count < line.count, LogTimestamp.isDigit(line[index + count]) { return nil }
            index += count
            return value
        }

        /// `HH:MM:SS` as seconds of the day (a leap second allowed).
        mutating func time() -> Int? {
            let saved = index
            guard let hour = digits(2), take(":"), let minute = digits(2), take(":"), let second = digits(2),
                hour < 24, minute < 60, second <= 60
            else {
                index = saved
                return nil
            }
            return hour * 3600 + minute * 60 + second
        }

        /// A `.123` or `,123` fraction, skipped.
        mutating func fraction() {
            guard index + 1 < line.count, line[index] == UInt8(ascii: ".") || line[index] == UInt8(ascii: ","),
                LogTimestamp.isDigit(line[index + 1])
            else { return }
            index += 1
            while index < line.count, LogTimestamp.isDigit(line[index]) { index += 1 }
        }

        /// `Z`, `±HH:MM` (or `±HHMM`, also the only form when `colon` is false), as seconds east of UTC.
        mutating func offset(colon: Bool) -> Int64? {
            if colon, take("Z") { return 0 }
            guard index < line.count, line[index] == UInt8(ascii: "+") || line[index] == UInt8(ascii: "-") else {
                return nil
            }
            let saved = index
            let sign: Int64 = line[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            // `+0100`: the hours are followed by the minutes' digits, so they are read without the lone-number rule.
            guard let hours = digits(2, alone: false) else {
                index = saved
                return nil
            }
            if colon { _ = take(":") }
            guard let minutes = digits(2), hours < 24, minutes < 60 else {
                index = saved
                return nil
            }
            return sign * Int64(hours * 3600 + minutes * 60)
        }

        /// An English month abbreviation (`Jan` … `Dec`), as 1–12.
        mutating func month() -> Int? {
            guard index + 3 <= line.count else { return nil }
            let names: [(UInt8, UInt8, UInt8)] = [
                (74, 97, 110), (70, 101, 98), (77, 97, 114), (65, 112, 114), (77, 97, 121), (74, 117, 110),
                (74, 117, 108), (65, 117, 103), (83, 101, 112), (79, 99, 116), (78, 111, 118), (68, 101, 99),
            ]
            let key = (line[index], line[index + 1], line[index + 2])
            guard let found = names.firstIndex(where: { $0 == key }) else { return nil }
            if index + 3 < line.count, LogTimestamp.isAlphanumeric(line[index + 3]) { return nil }
            index += 3
            return found + 1
        }
    }
}
