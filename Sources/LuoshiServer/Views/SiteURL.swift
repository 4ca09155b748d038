import Foundation
import LuoshiCore

/// Every page and form target of the site as a value: links, form actions, redirects and the links
/// stored in messages are made here and nowhere else, so a path is spelled once. `SiteURLTests` checks
/// that each one reaches a registered route.
enum SiteURL: Equatable, Sendable {
    case home
    case stylesheet
    /// The sign-in page; `failed` after wrong credentials (it shows a message of its own, never words
    /// from the address).
    case login(next: String? = nil, failed: Bool = false)
    case logout
    case language
    case plans
    case plan(UUID)
    /// The overview with its unit and leader lists in another order.
    case planSorted(UUID, String)
    case review(plan: UUID, item: UUID? = nil)
    case publish(plan: UUID)
    case close(plan: UUID)
    case reopen(plan: UUID)
    case addItem(plan: UUID)
    case bulletin(plan: UUID, month: String? = nil)
    case bulletinDocx(plan: UUID, month: String? = nil)
    /// The 任务分解表 as Excel (or CSV): one unit's rows, one leader's, overdue only, with progress.
    case breakdown(
        plan: UUID, format: String = "xlsx", unit: UUID? = nil, leader: UUID? = nil, overdue: Bool = false,
        progress: Bool = false)
    /// Uploading an edited 分解表, and the preview of what it would change (the file kept by its sha256).
    case breakdownImport(plan: UUID)
    case breakdownPreview(plan: UUID, sha: String, name: String? = nil, applied: String? = nil)
    /// The 台账: reports and notices, as one workbook.
    case ledger(plan: UUID, unit: UUID? = nil)
    case rules(plan: UUID)
    /// The 考核: every unit's score by group, and one unit's working.
    case assessment(plan: UUID, period: String? = nil, at: String? = nil)
    case assessmentUnit(plan: UUID, unit: UUID, period: String? = nil, at: String? = nil)
    case assessmentEntries(plan: UUID, unit: UUID)
    case assessmentClaims(plan: UUID, unit: UUID)
    case assessmentWorkbook(plan: UUID, period: String, at: String? = nil)
    case assessmentBulletin(plan: UUID, period: String, at: String? = nil)
    case assessmentScheme(plan: UUID)
    case assessmentRound(plan: UUID)
    case assessmentObjections(plan: UUID)
    case answerObjection(UUID)
    case assessmentSurvey(plan: UUID)
    case item(UUID)
    case handDown(UUID)
    /// The public site: released plans, no account needed.
    case publicIndex
    case publicPlan(UUID)
    case publicItem(plan: UUID, code: String)
    /// plan.json, plan.csv or feed.atom of a released plan.
    case publicFile(plan: UUID, name: String)
    case publicData
    case publicAssessment(UUID)
    /// The report to the people's congress: staff's page and its Word file; the issued one in public.
    case congress(plan: UUID, period: String)
    case congressDocument(plan: UUID, period: String)
    case publicCongress(plan: UUID, period: String)
    case publicCongressDocument(plan: UUID, period: String)
    case releasePlan(UUID)
    /// Where the public leaves feedback on a plan, and the page that thanks them.
    case publicFeedback(UUID)
    case publicFeedbackReceived(UUID)
    /// Where the public asks to follow, the page that says a mail is on its way, and a follower's own page.
    case publicFollow(UUID)
    case publicFollowRequested(UUID)
    case publicFollower(UUID, token: String)
    /// Staff's and units' list of feedback; moderating and answering one.
    case feedback
    case moderateFeedback(UUID)
    case answerFeedback(UUID)
    case feedbackPhoto(UUID)
    /// A page of an item's reports, newest first (page 1 is the item itself).
    case itemReports(UUID, page: Int)
    case edit(item: UUID, ItemEdit)
    case fileReport(item: UUID)
    case comment(item: UUID)
    case addMilestone(item: UUID)
    case reachMilestone(UUID)
    case evidence(UUID)
    case reviews
    case reviewsFiltered(ReviewQueue.Filters, page: Int = 1)
    case reviewsDone(accepted: Int, skipped: Int)
    case acceptMany
    case accept(report: UUID)
    case giveBack(report: UUID)
    case myTasks
    case assign(plan: UUID? = nil, changed: Int? = nil, filters: AssignFilters = .init())
    case audit
    case auditPage(Int)
    case notices(state: String? = nil, page: Int = 1, filters: NoticeFilters = .init())
    case newNotice(item: UUID? = nil)
    case newNoticeAll(query: String)
    case bulkSupervision
    case notice(UUID)
    case noticePrint(UUID)
    case noticeDocx(UUID)
    case noticeAction(UUID, NoticeAction)
    case noticeEvidence(UUID)
    case inbox
    case inboxPage(Int)
    case markRead(UUID)
    case markAllRead
    case channels
    case toggleChannel(UUID)
    /// The office's units, and one unit's page (its form posts back to it).
    case search(String?)
    case units
    /// The units directly under one, with the way back up.
    case unitsUnder(UUID)
    case unitsImport
    /// The standing of the governments under one (nil: the reader's own).
    case standing(UUID?)
    case unit(UUID)
    /// The accounts, and one account's page (its form posts back to it).
    case people
    /// The accounts of a unit and everything under it, a page at a time.
    case peopleOf(unit: UUID?, q: String?, page: Int)
    case person(UUID)
    case resetPassword(UUID)
    case setDisabled(UUID, Bool)
    /// A leader's portfolio; the viewer's own when no leader is named.
    case portfolio(leader: UUID? = nil, unit: UUID? = nil, plan: UUID? = nil)

    /// The assignment table's filters, carried through a bulk change.
    struct AssignFilters: Equatable, Sendable {
        var area: UUID?
        var unit: UUID?
        var leader: UUID?
        var status: String?
        var unassignedOnly = false
        /// Every row shown ticked, for a change to them all.
        var selectAll = false
    }

    /// The notice list's filters, carried through its pages.
    struct NoticeFilters: Equatable, Sendable {
        /// A number (督〔2015〕12号, or 12) or words of the item's title.
        var text: String?
        var unit: UUID?
        var level: NoticeLevel?
        /// Open notices past their response deadline.
        var overdueOnly = false
    }

    /// The corrections the review page posts for one item.
    enum ItemEdit: String, Sendable, CaseIterable {
        case edit, retire, move, merge, split
    }

    /// The path segment of a notice step (`sendBack` is posted as `return`).
    static func segment(_ action: NoticeAction) -> String { action == .sendBack ? "return" : action.rawValue }

    var path: String {
        switch self {
        case .home: return "/"
        case .publicIndex: return "/public"
        case .publicPlan(let plan): return "/public/plans/\(plan)"
        case .publicItem(let plan, let code):
            return "/public/plans/\(plan)/items/"
                + (code.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? code)
        case .publicFile(let plan, let name): return "/public/plans/\(plan)/\(name)"
        case .publicData: return "/public/data"
        case .publicAssessment(let plan): return "/public/plans/\(plan)/assessment"
        case .congress(let plan, let period): return "/plans/\(plan)/congress" + Self.query([("period", period)])
        case .congressDocument(let plan, let period):
            return "/plans/\(plan)/congress.docx" + Self.query([("period", period)])
        case .publicCongress(let plan, let period): return "/public/plans/\(plan)/congress/\(period)"
        case .publicCongressDocument(let plan, let period): return "/public/plans/\(plan)/congress/\(period).docx"
        case .releasePlan(let plan): return "/plans/\(plan)/release"
        case .publicFeedback(let plan): return "/public/plans/\(plan)/feedback"
        case .publicFeedbackReceived(let plan): return "/public/plans/\(plan)/feedback/received"
        case .publicFollow(let plan): return "/public/plans/\(plan)/follow"
        case .publicFollowRequested(let plan): return "/public/plans/\(plan)/follow/sent"
        case .publicFollower(let id, let token): return "/public/follow/\(id)/\(token)"
        case .feedback: return "/feedback"
        case .moderateFeedback(let id): return "/feedback/\(id)/moderate"
        case .answerFeedback(let id): return "/feedback/\(id)/answer"
        case .feedbackPhoto(let id): return "/feedback/\(id)/photo"
        case .stylesheet: return "/assets/app.css"
        case .login(let next, let failed):
            return "/login" + Self.query([("next", next), ("failed", failed ? "1" : nil)])
        case .logout: return "/logout"
        case .language: return "/account/language"
        case .plans: return "/plans"
        case .plan(let id): return "/plans/\(id)"
        case .planSorted(let id, let sort): return "/plans/\(id)" + Self.query([("sort", sort)]) + "#by-unit"
        case .review(let plan, let item):
            return "/plans/\(plan)/review" + (item.map { "?item=\($0)#i-\($0)" } ?? "")
        case .publish(let plan): return "/plans/\(plan)/publish"
        case .close(let plan): return "/plans/\(plan)/close"
        case .reopen(let plan): return "/plans/\(plan)/reopen"
        case .addItem(let plan): return "/plans/\(plan)/items"
        case .bulletin(let plan, let month): return "/plans/\(plan)/bulletin" + Self.query([("month", month)])
        case .breakdown(let plan, let format, let unit, let leader, let overdue, let progress):
            return "/plans/\(plan)/breakdown.\(format == "csv" ? "csv" : "xlsx")"
                + Self.query([
                    ("unit", unit?.uuidString), ("leader", leader?.uuidString), ("overdue", overdue ? "1" : nil),
                    ("progress", progress ? "1" : nil),
                ])
        case .breakdownImport(let plan): return "/plans/\(plan)/breakdown/import"
        case .breakdownPreview(let plan, let sha, let name, let applied):
            return "/plans/\(plan)/breakdown/import/\(sha)" + Self.query([("name", name), ("applied", applied)])
        case .ledger(let plan, let unit): return "/plans/\(plan)/ledger.xlsx" + Self.query([("unit", unit?.uuidString)])
        case .bulletinDocx(let plan, let month):
            return "/plans/\(plan)/bulletin.docx" + Self.query([("month", month)])
        case .rules(let plan): return "/plans/\(plan)/supervision"
        case .assessment(let plan, let period, let at):
            return "/plans/\(plan)/assessment" + Self.query([("period", period), ("at", at)])
        case .assessmentUnit(let plan, let unit, let period, let at):
            return "/plans/\(plan)/assessment/\(unit)" + Self.query([("period", period), ("at", at)])
        case .assessmentEntries(let plan, let unit): return "/plans/\(plan)/assessment/\(unit)/entries"
        case .assessmentClaims(let plan, let unit): return "/plans/\(plan)/assessment/\(unit)/claims"
        case .assessmentWorkbook(let plan, let period, let at):
            return "/plans/\(plan)/assessment.xlsx" + Self.query([("period", period), ("at", at)])
        case .assessmentBulletin(let plan, let period, let at):
            return "/plans/\(plan)/assessment.docx" + Self.query([("period", period), ("at", at)])
        case .assessmentScheme(let plan): return "/plans/\(plan)/assessment/scheme"
        case .assessmentRound(let plan): return "/plans/\(plan)/assessment/round"
        case .assessmentObjections(let plan): return "/plans/\(plan)/assessment/objections"
        case .answerObjection(let id): return "/assessment/objections/\(id)/answer"
        case .assessmentSurvey(let plan): return "/plans/\(plan)/assessment/survey"
        case .item(let id): return "/items/\(id)"
        case .handDown(let id): return "/items/\(id)/handdown"
        case .itemReports(let id, let page):
            return "/items/\(id)" + Self.query([("reports", page > 1 ? String(page) : nil)]) + "#reports"
        case .edit(let item, let edit): return "/items/\(item)/\(edit.rawValue)"
        case .fileReport(let item): return "/items/\(item)/reports"
        case .comment(let item): return "/items/\(item)/comments"
        case .addMilestone(let item): return "/items/\(item)/milestones"
        case .reachMilestone(let id): return "/milestones/\(id)/reach"
        case .evidence(let id): return "/evidence/\(id)"
        case .reviews: return "/reviews"
        case .reviewsFiltered(let f, let page):
            return "/reviews"
                + Self.query([
                    ("unit", f.unit?.uuidString), ("q", f.text), ("all", f.selectAll ? "1" : nil),
                    ("page", page > 1 ? String(page) : nil),
                ])
        case .reviewsDone(let accepted, let skipped):
            return "/reviews"
                + Self.query([("accepted", String(accepted)), ("skipped", skipped > 0 ? String(skipped) : nil)])
        case .acceptMany: return "/reviews/accept"
        case .accept(let report): return "/reports/\(report)/accept"
        case .giveBack(let report): return "/reports/\(report)/return"
        case .myTasks: return "/my"
        case .assign(let plan, let changed, let f):
            return "/assign"
                + Self.query([
                    ("plan", plan?.uuidString), ("area", f.area?.uuidString), ("unit", f.unit?.uuidString),
                    ("leader", f.leader?.uuidString), ("status", f.status),
                    ("unassigned", f.unassignedOnly ? "1" : nil), ("all", f.selectAll ? "1" : nil),
                    ("changed", changed.map(String.init)),
                ])
        case .audit: return "/audit"
        case .auditPage(let page): return "/audit" + Self.query([("page", page > 1 ? String(page) : nil)])
        case .notices(let state, let page, let f):
            return "/notices"
                + Self.query([
                    ("state", state), ("q", f.text), ("unit", f.unit?.uuidString), ("level", f.level?.rawValue),
                    ("overdue", f.overdueOnly ? "1" : nil), ("page", page > 1 ? String(page) : nil),
                ])
        case .newNotice(let item): return "/notices/new" + Self.query([("item", item?.uuidString)])
        case .newNoticeAll(let q): return "/notices/new" + Self.query([("q", q.isEmpty ? nil : q), ("all", "1")])
        case .bulkSupervision: return "/notices/bulk"
        case .notice(let id): return "/notices/\(id)"
        case .noticePrint(let id): return "/notices/\(id)/print"
        case .noticeDocx(let id): return "/notices/\(id)/docx"
        case .noticeAction(let id, let action): return "/notices/\(id)/\(Self.segment(action))"
        case .noticeEvidence(let id): return "/notice-evidence/\(id)"
        case .inbox: return "/inbox"
        case .inboxPage(let page): return "/inbox" + Self.query([("page", page > 1 ? String(page) : nil)])
        case .markRead(let id): return "/inbox/\(id)/read"
        case .markAllRead: return "/inbox/read-all"
        case .channels: return "/channels"
        case .toggleChannel(let id): return "/channels/\(id)/toggle"
        case .search(let q): return "/search" + Self.query([("q", q)])
        case .units: return "/units"
        case .unitsUnder(let id): return "/units?under=\(id)"
        case .unitsImport: return "/units/import"
        case .standing(let id): return id.map { "/standing?of=\($0)" } ?? "/standing"
        case .unit(let id): return "/units/\(id)"
        case .people: return "/people"
        case .peopleOf(let unit, let q, let page):
            return "/people" + Self.query([("unit", unit?.uuidString), ("q", q), ("page", String(page))])
        case .person(let id): return "/people/\(id)"
        case .resetPassword(let id): return "/people/\(id)/reset"
        case .setDisabled(let id, let disabled): return "/people/\(id)/" + (disabled ? "disable" : "enable")
        case .portfolio(let leader, let unit, let plan):
            return "/portfolio"
                + Self.query([("leader", leader?.uuidString), ("unit", unit?.uuidString), ("plan", plan?.uuidString)])
        }
    }

    /// `?a=1&b=2` of the values given, percent-encoded; empty when there are none.
    private static func query(_ pairs: [(String, String?)]) -> String {
        let present = pairs.compactMap { name, value in value.map { (name, $0) } }
        guard !present.isEmpty else { return "" }
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        return "?"
            + present.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }
            .joined(separator: "&")
    }
}
