import Fluent
import Foundation
import LuoshiCore
import Plot

/// Citizens' feedback for those who handle it: staff moderate and route, the unit answers. The contact is
/// shown to staff and to the unit that answers, and to nobody else.
enum FeedbackPage {
    struct Model {
        var feedback: [Feedback]
        var items: [UUID: PlanItem]
        var leadUnits: [UUID: UUID]
        /// The units each plan's feedback is routed among: its government's (none unless the viewer moderates).
        var unitsByPlan: [UUID: [Organization]]
        /// The names of the units answering the feedback shown.
        var unitNames: [UUID: String]
        var viewer: User
        var today: CivilDay
    }

    struct View: PageView {
        var model: Model

        func title(_ c: PageContext) -> String { c.t("群众留言", "Citizens' feedback") }

        func mayAnswer(_ f: Feedback) -> Bool { f.state == .published && maySeeContact(f) }

        func maySeeContact(_ f: Feedback) -> Bool {
            model.viewer.role == .admin || FeedbackService.isAnsweringUnit(model.viewer, of: f)
        }

        func card(_ f: Feedback, _ c: PageContext) -> any Component {
            let item = f.$item.id.flatMap { model.items[$0] }
            let published = f.moderatedAt.map { CivilDay($0, calendar: .beijing) }
            let overdue =
                f.state == .published
                && published.map {
                    FeedbackRules.overdue(publishedOn: $0, answered: false, today: model.today)
                } ?? false
            let unitName = f.$unit.id.flatMap { model.unitNames[$0] }
            return Element("article") {
                Paragraph {
                    Badge(
                        c.name(f.state), colour: f.state == .answered ? "green" : f.state == .hidden ? "grey" : "yellow"
                    )
                    if overdue {
                        Words(" ")
                        Badge(c.t("答复逾期", "Answer overdue"), colour: "red")
                    }
                    Words(" " + Format.date(f.submittedAt, c.lang) + " · ")
                    Span { Words(f.name ?? "匿名") }.zh()
                    if maySeeContact(f), let contact = f.contact {
                        Words(" · " + c.t("联系方式：", "contact: "))
                        Span { Words(contact) }.zh()
                    } else if f.contactErasedAt != nil {
                        Words(" · " + c.t("联系方式已按期删除", "contact erased after its retention"))
                    }
                }
                if let item {
                    Paragraph {
                        Words(c.t("事项：", "Item: "))
                        Anchor(item.code + " " + item.title, .item(item.id!)).zh()
                    }
                }
                Paragraph { Words(f.text) }.zh()
                if f.photoID != nil, FeedbackService.mayRead(f, viewer: model.viewer, photo: true) {
                    Div {
                        Element("a") {
                            VoidElement("img").attr("src", SiteURL.feedbackPhoto(f.id!).path).attr(
                                "alt", c.t("留言附的照片", "The photo sent with it")
                            ).attr("loading", "lazy")
                        }.attr("href", SiteURL.feedbackPhoto(f.id!).path)
                    }.class("photos")
                }
                if let reason = f.hiddenReason, f.state == .hidden {
                    Muted(c.t("不予公开：", "Not published: ") + reason)
                }
                if let unitName, f.state == .published || f.state == .answered {
                    Paragraph {
                        Words(c.t("答复单位：", "Answered by: "))
                        Span { Words(unitName) }.zh()
                        if let published {
                            Words(
                                " · " + c.t("期限 ", "due ")
                                    + c.name(FeedbackRules.answerDue(publishedOn: published)))
                        }
                    }
                }
                if let answer = f.answer {
                    Element("blockquote") {
                        Paragraph { Words(answer) }.zh()
                        Muted(Format.date(f.answeredAt, c.lang))
                    }
                }
                if model.viewer.role == .admin && (f.state == .received || f.state == .hidden) {
                    PostForm(.moderateFeedback(f.id!), c, class: "stack") {
                        Hidden("action", "publish")
                        FieldLabel(c.t("答复单位", "Unit to answer"), for: "unit-\(f.id!)")
                        Element("select") {
                            let lead = f.$item.id.flatMap { model.leadUnits[$0] }
                            Options(
                                model.unitsByPlan[f.$plan.id] ?? [], value: { $0.id!.uuidString }, label: { $0.name },
                                selected: lead?.uuidString, names: true)
                        }.attr("id", "unit-\(f.id!)").attr("name", "unit")
                        Paragraph { Submit(c.t("公开并交办", "Publish and route")) }
                    }
                }
                if model.viewer.role == .admin && (f.state == .received || f.state == .published) {
                    PostForm(.moderateFeedback(f.id!), c, class: "stack") {
                        Hidden("action", "hide")
                        FieldLabel(c.t("不予公开的理由", "Why it is not published"), for: "hide-\(f.id!)")
                        TextInput("reason", id: "hide-\(f.id!)", required: true, maxLength: 500)
                        Paragraph { Submit(c.t("不予公开", "Do not publish")) }
                    }
                }
                if mayAnswer(f) {
                    PostForm(.answerFeedback(f.id!), c, class: "stack") {
                        FieldLabel(c.t("答复（将公开在留言下）", "Answer (published under the feedback)"), for: "answer-\(f.id!)")
                        TextBox("text", id: "answer-\(f.id!)", required: true, maxLength: 5000)
                        Paragraph { Submit(c.t("答复", "Answer")) }
                    }
                }
            }.class("card")
        }

        func content(_ c: PageContext) -> any Component {
            let order: [FeedbackState] = [.received, .published, .answered, .hidden]
            return ComponentGroup {
                Muted(
                    c.t(
                        "群众在公开页面的留言。审核后公开并交办责任单位，\(FeedbackRules.answerDays) 天内答复；联系方式只对督查办和答复单位可见，答复后 \(FeedbackRules.contactRetentionDays) 天删除。",
                        "Feedback left on the public pages. Once published it is routed to a unit, which answers within \(FeedbackRules.answerDays) days; the contact is seen by staff and that unit only, and erased \(FeedbackRules.contactRetentionDays) days after the answer."
                    ))
                if model.feedback.isEmpty { Muted(c.t("暂无留言。", "No feedback yet.")) }
                for state in order {
                    let some = model.feedback.filter { $0.state == state }
                    if !some.isEmpty {
                        H2 { Words(c.name(state) + " (\(some.count))") }
                        for f in some { card(f, c) }
                    }
                }
            }
        }
    }
}
