import LuoshiCore

/// A number with its unit as written in the text: "10%以上", "约8.8万平方米", "2—3支", "每季度至少开展一次".
struct Quantity {
    /// The words that state the quantity, comparator words included (cleaned chars).
    var range: Range<Int>
    /// Where the first number starts.
    var numberStart: Int
    /// Where the number (and its multiplier) ends, before the unit.
    var numberEnd: Int
    var unitRange: Range<Int>
    var value: Double?
    var valueMin: Double?
    var valueMax: Double?
    var unit: String
    var comparator: TargetComparator
    /// Whether the comparator came from words next to the number (not inherited from a list).
    var comparatorStated: Bool
    var chineseNumeral: Bool
    var dimension: String?
    /// The unit was implied (总投资4000万 → 元).
    var impliedUnit: Bool
}

/// Numerals: Arabic (with full-width digits, decimals, thousands commas, 万/亿) and Chinese (十八, 两千万).
enum Numerals {
    /// An Arabic number at `i`: its value and where it ends.
    static func arabic(_ c: [Unicode.Scalar], _ i: Int, _ end: Int) -> (value: Double, end: Int, decimal: Bool)? {
        guard i < end, Scalars.isDigit(c[i]) else { return nil }
        var j = i
        var intPart: Double = 0
        var digits = 0
        while j < end {
            if let d = Scalars.digitValue(c[j]) {
                intPart = intPart * 10 + Double(d)
                digits += 1
                j += 1
            } else if (c[j] == "," || c[j] == "，") && digits > 0 && j + 3 < end
                && (1...3).allSatisfy({ Scalars.isDigit(c[j + $0]) }) && (j + 4 >= end || !Scalars.isDigit(c[j + 4]))
            {
                // 1,200 — a thousands separator, not a clause comma.
                j += 1
            } else {
                break
            }
            if digits > 15 { return nil }
        }
        var value = intPart
        var decimal = false
        if j + 1 < end && (c[j] == "." || c[j] == "．") && Scalars.isDigit(c[j + 1]) {
            decimal = true
            j += 1
            // Parse the written digits as one decimal literal: 1.7 stays 1.7, not 1.7000000000000002.
            var literal = String(Int64(intPart)) + "."
            while j < end, let d = Scalars.digitValue(c[j]) {
                literal.unicodeScalars.append(Unicode.Scalar(UInt8(48 + d)))
                j += 1
            }
            value = Double(literal) ?? intPart
        }
        return (value, j, decimal)
    }

    /// A Chinese numeral at `i` (一百二十, 两千万, 十八): its value and end; nil for runs that are not
    /// numbers (十二五 is a plan's name, 一一 an idiom).
    static func chinese(_ c: [Unicode.Scalar], _ i: Int, _ end: Int) -> (value: Double, end: Int)? {
        var j = i
        var total: Double = 0  // completed 亿 sections
        var section: Double = 0  // completed 万 sections below 亿
        var small: Double = 0  // below 万
        var digit: Double? = nil
        var lastUnit = Int.max
        var any = false
        while j < end && j - i < 12 {
            let s = c[j]
            if let d = Scalars.chineseDigit[s] {
                if digit != nil {
                    // Two digits in a row (十二五, 一一) is not a number.
                    if d == 0 {
                        j += 1
                        continue
                    }
                    return nil
                }
                digit = Double(d)
                any = true
            } else if let u = Scalars.chineseSmallUnit[s] {
                if u >= lastUnit { return nil }
                small += (digit ?? 1) * Double(u)
                digit = nil
                lastUnit = u
                any = true
            } else if s == "万" {
                guard any else { return nil }
                section += (small + (digit ?? 0)) * 10_000
                small = 0
                digit = nil
                lastUnit = Int.max
            } else if s == "亿" {
                guard any else { return nil }
                total += (section + small + (digit ?? 0)) * 100_000_000
                section = 0
                small = 0
                digit = nil
                lastUnit = Int.max
            } else {
                break
            }
            j += 1
        }
        guard any, j > i else { return nil }
        return (total + section + small + (digit ?? 0), j)
    }
}

enum QuantityScanner {
    static let units: WordList = WordList(Lexicon.units.map(\.written))
    static let multipliers = WordList(Lexicon.multipliers.map(\.0))
    static let before = WordList(Lexicon.comparatorBefore.map(\.0))
    static let after = WordList(Lexicon.comparatorAfter.map(\.0))
    static let money = WordList(Lexicon.moneyWords)
    static let percentOf: [Unicode.Scalar] = Array("百分之".unicodeScalars)
    /// 签约680户 is a count of signings, not "about 680": 约 closes these words.
    static let wordsEndingInYue: Set<Unicode.Scalar> = [
        "签", "合", "公", "条", "制", "节", "预", "邀", "契", "履", "违", "特", "集", "婚", "相", "租", "践",
    ]

    /// Every quantity in `range`, in order.
    static func scan(_ c: [Unicode.Scalar], _ range: Range<Int>) -> [Quantity] {
        var out: [Quantity] = []
        var i = range.lowerBound
        let end = range.upperBound
        while i < end {
            let s = c[i]
            if Scalars.isDigit(s) || (s == "百" && c.has(percentOf, at: i)) || isChineseStart(c, i, range) {
                if let q = quantity(c, i, range) {
                    out.append(q)
                    i = max(q.range.upperBound, i + 1)
                    continue
                }
                // Skip the rest of the number run.
                var j = i + 1
                while j < end && (Scalars.isDigit(c[j]) || Scalars.isChineseNumeral(c[j]) || c[j] == ".") { j += 1 }
                i = j
                continue
            }
            i += 1
        }
        return out
    }

    @inline(__always) static func isChineseStart(_ c: [Unicode.Scalar], _ i: Int, _ r: Range<Int>) -> Bool {
        // 千万元, 百万亩: a bare 千/百 starts a number only before 万/亿.
        let s = c[i]
        guard s.value >= 0x3007 else { return false }
        let bareLarge = (s == "千" || s == "百") && i + 1 < r.upperBound && (c[i + 1] == "万" || c[i + 1] == "亿")
        guard Scalars.isChineseDigit(s) || s == "十" || bareLarge else { return false }
        return i == r.lowerBound || !Scalars.isChineseNumeral(c[i - 1])
    }

    static func quantity(_ c: [Unicode.Scalar], _ start: Int, _ r: Range<Int>) -> Quantity? {
        let end = r.upperBound
        var percentWord = false
        var numberStart = start
        if c[start] == "百" && c.has(percentOf, at: start) {
            percentWord = true
            numberStart = start + percentOf.count
        }
        guard let first = number(c, numberStart, end) else { return nil }
        var j = first.end
        var value = first.value
        var comparator = TargetComparator.equal
        var stated = false
        // 300多个, 50余家
        if j < end && (c[j] == "多" || c[j] == "余") && !percentWord {
            comparator = .atLeast
            stated = true
            j += 1
        }
        var unitRange = j..<j
        var unit: Lexicon.UnitEntry?
        if percentWord {
            unit = Lexicon.UnitEntry(written: "百分之", unit: "%", factor: 1, dimension: nil)
        } else if let u = units.match(c, at: j, limit: end) {
            unit = Lexicon.units[u]
            unitRange = j..<(j + units.words[u].count)
            j = unitRange.upperBound
        }
        var valueMin: Double?
        var valueMax: Double?
        // A range: 2—3支, 4.5%—5%, 7%至8%.
        if j + 1 < end, Lexicon.rangeJoiners.contains(c[j]), let second = number(c, j + 1, end),
            second.chinese == first.chinese
        {
            var k = second.end
            var unit2: Lexicon.UnitEntry?
            var unit2Range = k..<k
            if let u = units.match(c, at: k, limit: end) {
                unit2 = Lexicon.units[u]
                unit2Range = k..<(k + units.words[u].count)
                k = unit2Range.upperBound
            }
            if unit == nil || unit2 == nil || unit!.unit == unit2!.unit, second.value > value {
                if unit == nil { unit = unit2 }
                unitRange = unit2Range.isEmpty ? unitRange : unit2Range
                valueMin = value
                valueMax = second.value
                comparator = .range
                stated = true
                j = k
            }
        }
        var impliedUnit = false
        if unit == nil {
            // 总投资4000万: a money word before and a multiplier mean yuan.
            if first.multiplied, let clause = clauseStart(c, start, r.lowerBound),
                money.contains(in: c, clause..<start)
            {
                unit = Lexicon.UnitEntry(written: "", unit: "元", factor: 1, dimension: "金额")
                impliedUnit = true
            } else if first.multiplied, let people = peopleNoun(c, j, end) {
                // 解决3.5万农村人口饮水安全问题: a count of people named by the noun that follows.
                unit = Lexicon.UnitEntry(written: "", unit: "人", factor: 1, dimension: nil)
                impliedUnit = true
                _ = people
            } else {
                return nil
            }
        }
        guard let u = unit else { return nil }
        value = exact(value * u.factor)
        if comparator == .range {
            valueMin = valueMin.map { exact($0 * u.factor) }
            valueMax = valueMax.map { exact($0 * u.factor) }
        }
        // TargetComparator words after: 以上, 以内, 左右.
        if comparator != .range, let a = after.match(c, at: j, limit: end) {
            comparator = Lexicon.comparatorAfter[a].1
            stated = true
            j += after.words[a].count
        }
        // TargetComparator words right before the number: 不低于, 约, 超过, 控制在.
        var qStart = start
        if let b = before.match(c, endingAt: start, from: r.lowerBound),
            !(before.words[b].count == 1 && start >= 2 && Self.wordsEndingInYue.contains(c[start - 2])
                && c[start - 1] == "约")
        {
            let word = before.words[b]
            let cmp = Lexicon.comparatorBefore[b].1
            if !(stated && comparator != .equal && comparator != cmp) || comparator == .range {
                if comparator != .range { comparator = cmp }
                // 控制在4%以内 and 控制在4% both mean at most; 控制在…左右 stays approximate.
                stated = true
            }
            qStart = start - word.count
        }
        return Quantity(
            range: qStart..<j, numberStart: numberStart, numberEnd: first.end, unitRange: unitRange,
            value: comparator == .range ? nil : value, valueMin: valueMin, valueMax: valueMax, unit: u.unit,
            comparator: comparator, comparatorStated: stated, chineseNumeral: first.chinese, dimension: u.dimension,
            impliedUnit: impliedUnit)
    }

    struct Number {
        var value: Double
        var end: Int
        var chinese: Bool
        var multiplied: Bool
        var decimal: Bool
    }

    /// A number at `i`, Arabic with an optional 万/亿, or Chinese.
    static func number(_ c: [Unicode.Scalar], _ i: Int, _ end: Int) -> Number? {
        guard i < end else { return nil }
        if Scalars.isDigit(c[i]) {
            guard let a = Numerals.arabic(c, i, end) else { return nil }
            var value = a.value
            var j = a.end
            var multiplied = false
            if let m = multipliers.match(c, at: j, limit: end) {
                value = exact(value * Lexicon.multipliers[m].1)
                j += multipliers.words[m].count
                multiplied = true
            }
            return Number(value: value, end: j, chinese: false, multiplied: multiplied, decimal: a.decimal)
        }
        guard let ch = Numerals.chinese(c, i, end) else { return nil }
        let multiplied = c[i..<ch.end].contains("万") || c[i..<ch.end].contains("亿")
        return Number(value: ch.value, end: ch.end, chinese: true, multiplied: multiplied, decimal: false)
    }

    static let peopleWords = WordList(["人口", "群众", "居民", "农民", "职工", "劳动力"])

    /// A noun of people within a few characters after a figure: 3.5万农村人口, 1.2万建档立卡贫困人口.
    static func peopleNoun(_ c: [Unicode.Scalar], _ i: Int, _ end: Int) -> Int? {
        var k = i
        while k < end && k - i <= 8 && Scalars.isHan(c[k]) {
            if let m = peopleWords.match(c, at: k, limit: end) { return k + peopleWords.words[m].count }
            k += 1
        }
        return nil
    }

    /// A product of a written decimal and 万/亿 as the official meant it: 2.2亿 is 220000000, not
    /// 220000000.00000003. Figures in plans carry at most a few decimals, so six places are exact.
    static func exact(_ v: Double) -> Double {
        guard v.isFinite, abs(v) < 1e15 else { return v }
        return (v * 1e6).rounded() / 1e6
    }

    /// The start of the clause that holds `i`.
    static func clauseStart(_ c: [Unicode.Scalar], _ i: Int, _ lower: Int) -> Int? {
        var k = i - 1
        while k >= lower && !Scalars.isClauseEnd(c[k]) { k -= 1 }
        return k + 1
    }
}
