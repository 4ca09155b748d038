import LuoshiCore
import Testing

@Suite("完成时限的写法 (due dates as offices write them)")
struct DueDateTextTests {
    static let cases: [(String, CivilDay?)] = [
        ("2015-06-30", CivilDay(year: 2015, month: 6, day: 30)),
        ("2015/6/30", CivilDay(year: 2015, month: 6, day: 30)),
        ("2015.6.30", CivilDay(year: 2015, month: 6, day: 30)),
        ("2015年6月30日", CivilDay(year: 2015, month: 6, day: 30)),
        ("2015年6月底", CivilDay(year: 2015, month: 6, day: 30)),
        ("2015年6月底前", CivilDay(year: 2015, month: 6, day: 30)),
        ("6月30日前", CivilDay(year: 2015, month: 6, day: 30)),
        ("6月底", CivilDay(year: 2015, month: 6, day: 30)),
        ("2月底", CivilDay(year: 2015, month: 2, day: 28)),
        ("12月", CivilDay(year: 2015, month: 12, day: 31)),
        ("9月中旬", CivilDay(year: 2015, month: 9, day: 20)),
        ("年底", CivilDay(year: 2015, month: 12, day: 31)),
        ("年底前完成", CivilDay(year: 2015, month: 12, day: 31)),
        ("年内", CivilDay(year: 2015, month: 12, day: 31)),
        ("2016年", CivilDay(year: 2016, month: 12, day: 31)),
        ("三季度末", CivilDay(year: 2015, month: 9, day: 30)),
        ("第一季度", CivilDay(year: 2015, month: 3, day: 31)),
        ("上半年", CivilDay(year: 2015, month: 6, day: 30)),
        ("2016年2月底", CivilDay(year: 2016, month: 2, day: 29)),
        // Full-width digits and marks, as an input method types them.
        ("２０１５／６／３０", CivilDay(year: 2015, month: 6, day: 30)),
        ("２０１５年６月底", CivilDay(year: 2015, month: 6, day: 30)),
        ("2015年第三季度末", CivilDay(year: 2015, month: 9, day: 30)),
        ("2015-6", CivilDay(year: 2015, month: 6, day: 30)),
        ("10月下旬", CivilDay(year: 2015, month: 10, day: 31)),
        // A date cell that lost its format on the way: Excel's serial number.
        ("42185", CivilDay(year: 2015, month: 6, day: 30)),
    ]

    @Test("写成日期的时限 (time limits that are days)", arguments: cases)
    func days(_ text: String, _ day: CivilDay?) {
        #expect(DueDateText.read(text, planYear: 2015) == day.map { .day($0) }, "\(text)")
    }

    @Test("长期工作没有日期；说不清的不是日期 (ongoing work has no date; words that are not a date)")
    func notDays() {
        #expect(DueDateText.read("长期坚持", planYear: 2015) == .noDate)
        #expect(DueDateText.read("持续推进", planYear: 2015) == .noDate)
        for text in ["", "尽快", "6月32日", "13月", "2015年2月30日", "五季度", "明年", "6月30日后", "三季度末前后", "15年6月"] {
            #expect(DueDateText.read(text, planYear: 2015) == nil, "\(text)")
        }
    }
}

extension DueDateTextTests {
    @Test("年份超出范围的四位数不是日期 (four digits that are no year are no date)")
    func outOfRangeYears() {
        for text in ["0630", "1231", "0630年", "9999"] {
            #expect(DueDateText.read(text, planYear: 2015) == nil, "\(text)")
        }
    }
}
