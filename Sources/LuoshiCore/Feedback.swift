import Foundation

/// Where a citizen's feedback (群众诉求) stands: received (seen by staff only), published (shown, and
/// routed to a unit to answer), hidden (not shown, with staff's reason), answered (shown with the answer).
public enum FeedbackState: String, Codable, Sendable, CaseIterable, Named {
    case received, published, hidden, answered

    public var chinese: String {
        switch self {
        case .received: return "待审核"
        case .published: return "已公开，待答复"
        case .hidden: return "不予公开"
        case .answered: return "已答复"
        }
    }

    public var english: String {
        switch self {
        case .received: return "Awaiting moderation"
        case .published: return "Published, awaiting an answer"
        case .hidden: return "Not published"
        case .answered: return "Answered"
        }
    }
}

/// The rules of feedback, pure: when an answer is due, when a contact is erased, how the question a
/// person can answer is asked and checked.
public enum FeedbackRules {
    /// Days a unit has to answer once feedback is published to it.
    public static let answerDays = 15
    /// Days a contact (phone or e-mail) is kept after the answer, then erased.
    public static let contactRetentionDays = 90
    /// The most a person may send: per address in an hour, and in a day.
    public static let perHour = 5
    public static let perDay = 20

    public static func answerDue(publishedOn day: CivilDay) -> CivilDay { day.adding(days: answerDays) }

    /// Late once the due day has passed without an answer.
    public static func overdue(publishedOn day: CivilDay, answered: Bool, today: CivilDay) -> Bool {
        answerStage(publishedOn: day, answered: answered, today: today) == .late
    }

    /// Days before the answer is due when the unit is reminded.
    public static let reminderDaysBefore = 3

    /// Where published, unanswered feedback stands for supervision: nothing yet, due soon (a reminder to the
    /// unit), or late (a 督办单 on the item, or a late reminder and the principal leader's digest for
    /// feedback on the plan as a whole).
    public enum AnswerStage: String, Sendable, Equatable {
        case dueSoon, late
    }

    public static func answerStage(publishedOn day: CivilDay, answered: Bool, today: CivilDay) -> AnswerStage? {
        guard !answered else { return nil }
        let due = answerDue(publishedOn: day)
        if today > due { return .late }
        return today >= due.adding(days: -reminderDaysBefore) ? .dueSoon : nil
    }

    /// A contact is erased once the answer is given and the retention period has passed.
    public static func contactExpired(answeredOn day: CivilDay?, today: CivilDay) -> Bool {
        guard let day else { return false }
        return today > day.adding(days: contactRetentionDays)
    }

    static let numerals = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]

    /// A sum of two numbers from 1 to 9, in words: what a person answers at a glance and a form-filling
    /// script does not, with no third party's captcha.
    public static func question(_ a: Int, _ b: Int) -> (chinese: String, english: String) {
        ("\(numerals[a])加\(numerals[b])等于几？", "What is \(a) plus \(b)?")
    }

    /// The two numbers of the question made from a seed (a keyed digest the server computes).
    public static func operands(_ seed: [UInt8]) -> (Int, Int) {
        (1 + Int((seed.first ?? 0) % 9), 1 + Int((seed.dropFirst().first ?? 0) % 9))
    }

    /// Whether `answer` is the sum: in digits (full-width too) or in Chinese numerals up to 十八.
    public static func accepts(_ answer: String, _ a: Int, _ b: Int) -> Bool {
        let sum = a + b
        let t = answer.trimmingCharacters(in: .whitespacesAndNewlines)
        let halfWidth = String(
            t.unicodeScalars.map { s in
                (0xFF10...0xFF19).contains(s.value) ? Character(UnicodeScalar(s.value - 0xFF10 + 0x30)!) : Character(s)
            })
        if let n = Int(halfWidth) { return n == sum }
        let words = sum <= 10 ? [numerals[sum]] : ["十" + numerals[sum - 10], "一十" + numerals[sum - 10]]
        return words.contains(t)
    }
}
