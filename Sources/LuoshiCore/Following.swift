import Foundation

/// Where a follower (关注者, someone told by e-mail when a public item changes) stands. Double opt-in:
/// nothing but the confirmation is sent before the address's owner confirms.
public enum FollowState: String, Codable, Sendable, CaseIterable, Named {
    /// Asked to follow; the confirmation mail is out.
    case pending
    /// Confirmed from the mail: told of changes.
    case confirmed
    /// Stopped by its owner; the address is erased.
    case ended
    /// Never confirmed within `FollowRules.confirmDays`; the address is erased.
    case lapsed

    public var chinese: String {
        switch self {
        case .pending: return "待确认"
        case .confirmed: return "关注中"
        case .ended: return "已取消关注"
        case .lapsed: return "未确认，已失效"
        }
    }

    public var english: String {
        switch self {
        case .pending: return "Awaiting confirmation"
        case .confirmed: return "Following"
        case .ended: return "Stopped"
        case .lapsed: return "Never confirmed, lapsed"
        }
    }
}

/// What a follower is told about, per item: the item's status, its latest public figure and how many of
/// its feedback answers are published. Kept with each follower as last told, so a change is told once.
public struct WatchedItem: Codable, Sendable, Equatable {
    public var code: String
    public var title: String
    public var status: ItemStatus
    /// The latest accepted figure as the public pages write it ("120 个", "45%"), or nil before any.
    public var figure: String?
    public var answers: Int
    /// Why it was dropped from the plan, once it is.
    public var dropped: String?

    public init(code: String, title: String, status: ItemStatus, figure: String?, answers: Int, dropped: String? = nil)
    {
        self.code = code
        self.title = title
        self.status = status
        self.figure = figure
        self.answers = answers
        self.dropped = dropped
    }
}

/// One item's change, in words for the mail.
public struct WatchedChange: Sendable, Equatable {
    public var code: String
    public var title: String
    public var chinese: [String]
    public var english: [String]

    public init(code: String, title: String, chinese: [String], english: [String]) {
        self.code = code
        self.title = title
        self.chinese = chinese
        self.english = english
    }
}

/// The rules of following, pure.
public enum FollowRules {
    /// Days a confirmation stays good; after them an unconfirmed address is erased.
    public static let confirmDays = 7
    /// Requests to follow from one address in an hour: a form cannot be made to mail strangers at will.
    public static let perHour = 5
    /// Items named one by one in a mail; more are counted, not listed.
    public static let listedPerMail = 20

    /// Whether a pending request has lapsed: on the `confirmDays`th day after it, as the mail says ("within").
    public static func lapsed(requestedOn day: CivilDay, today: CivilDay) -> Bool {
        today >= day.adding(days: confirmDays)
    }

    /// Confirmation mails to one address in a day, however many ask: a form cannot be made to mail a stranger.
    public static let confirmationsPerAddressPerDay = 3

    /// What changed between what was last told (`before`) and now, item by item in `now`'s order. An item
    /// that was not there before (a newly released one) is not a change: followers hear of changes to what
    /// they follow, not of every release.
    public static func changes(before: [String: WatchedItem], now: [WatchedItem]) -> [WatchedChange] {
        now.compactMap { n in
            guard let b = before[n.code] else { return nil }
            var zh: [String] = []
            var en: [String] = []
            if b.dropped == nil, let why = n.dropped {
                zh.append("已从计划中撤销：\(why)")
                en.append("Dropped from the plan: \(why)")
                return WatchedChange(code: n.code, title: n.title, chinese: zh, english: en)
            }
            guard n.dropped == nil else { return nil }
            if b.status != n.status {
                zh.append("状态：\(b.status.chinese) → \(n.status.chinese)")
                en.append("Status: \(b.status.english) → \(n.status.english)")
            }
            if b.figure != n.figure, let f = n.figure {
                zh.append("最新数据：\(f)")
                en.append("Latest figure: \(f)")
            }
            if n.answers > b.answers {
                zh.append("新答复 \(n.answers - b.answers) 条")
                en.append("\(n.answers - b.answers) new answer(s) to feedback")
            }
            return zh.isEmpty ? nil : WatchedChange(code: n.code, title: n.title, chinese: zh, english: en)
        }
    }

    /// The mail telling the changes: Chinese first, complete English second.
    /// The link that stops the mails follows the body (the delivery adds it, and the List-Unsubscribe header).
    public static func mail(
        planTitle: String, changes: [WatchedChange], pageURL: (String) -> String
    ) -> (subject: String, body: String) {
        let listed = changes.prefix(listedPerMail)
        let more = changes.count - listed.count
        let subject =
            changes.count == 1
            ? "关注的事项有更新：\(changes[0].title) (an item you follow changed)"
            : "关注的事项有 \(changes.count) 项更新：\(planTitle) (\(changes.count) items you follow changed)"
        var zh = ["您关注的《\(planTitle)》有以下更新：", ""]
        var en = ["Changes to what you follow in \"\(planTitle)\":", ""]
        for c in listed {
            let name = [c.code, c.title].filter { !$0.isEmpty }.joined(separator: " ")
            zh.append(name)
            zh += c.chinese.map { "  · " + $0 }
            zh.append("  " + pageURL(c.code))
            en.append(name)
            en += c.english.map { "  · " + $0 }
        }
        if more > 0 {
            zh.append("另有 \(more) 项更新，请到网站查看。")
            en.append("\(more) more changed: see the site.")
        }
        let stop = ["", "不想再收到此类邮件，请打开下面的链接取消关注。", "To stop these mails, open the link below."]
        return (subject, (zh + [""] + en + stop).joined(separator: "\n"))
    }
}

/// An e-mail address as a form takes it: one "@", something either side, a dot in the domain, no spaces or
/// the characters that would break a mail header. Not RFC 5321 in full: what people type and relays accept.
public enum EmailAddress {
    public static func isValid(_ s: String) -> Bool {
        guard s.count <= 254, s.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7F })
        else { return false }
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
            !parts[1].hasSuffix(".")
        else { return false }
        return !s.contains(where: { "<>,;\"()[]\\".contains($0) })
    }
}
