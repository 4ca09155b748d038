import Fluent
import Foundation
import LuoshiCore
import Plot

/// Feedback on the public pages: what was published, with its answer, and the form to leave more.
enum FeedbackViews {
    /// What the form needs: where it goes, the item (or none for the plan), today's question.
    struct FormModel {
        var plan: UUID
        var item: String?
        var question: (Int, Int)
        var day: CivilDay
        /// What was typed, when it comes back with an error.
        var values: FeedbackService.Submission? = nil
        var error: String? = nil
    }

    static func list(_ feedback: [Feedback], units: [UUID: String], _ c: PageContext) -> any Component {
        ComponentGroup {
            if feedback.isEmpty {
                Muted(c.t("暂无公开的留言。", "No published feedback yet."))
            } else {
                for f in feedback {
                    Element("article") {
                        Paragraph {
                            Element("strong") { Span { Words(f.name ?? "匿名") }.zh() }
                            Words(" · " + Format.date(f.submittedAt, c.lang))
                        }
                        Paragraph { Words(f.text) }.zh()
                        if let answer = f.answer {
                            Element("blockquote") {
                                Paragraph {
                                    Words(c.t("答复", "Answer") + " · ")
                                    Span { Words(f.$unit.id.flatMap { units[$0] } ?? "") }.zh()
                                    Words(" · " + Format.date(f.answeredAt, c.lang))
                                }
                                Paragraph { Words(answer) }.zh()
                            }
                        } else {
                            Muted(
                                c.t(
                                    "待答复，答复期限 \(Format.date(f.moderatedAt.map { FeedbackRules.answerDue(publishedOn: CivilDay($0, calendar: .beijing)).start(in: .beijing) }, c.lang))",
                                    "Awaiting an answer, due \(Format.date(f.moderatedAt.map { FeedbackRules.answerDue(publishedOn: CivilDay($0, calendar: .beijing)).start(in: .beijing) }, c.lang))"
                                ))
                        }
                    }.class("card")
                }
            }
        }
    }

    static func form(_ m: FormModel, _ c: PageContext) -> any Component {
        let (a, b) = m.question
        let q = FeedbackRules.question(a, b)
        return Element("form") {
            if let error = m.error { Paragraph { Words(error) }.class("flash error").attr("role", "alert") }
            VoidElement("input").attr("type", "hidden").attr("name", "item").attr("value", m.item ?? "")
            VoidElement("input").attr("type", "hidden").attr("name", "day").attr("value", Breakdown.iso(m.day))
            FieldLabel(c.t("您的意见或建议", "Your feedback"), for: "fb-text")
            TextBox("text", id: "fb-text", text: m.values?.text ?? "", required: true, maxLength: 2000)
            FieldLabel(c.t("称呼（可不填，不填即匿名）", "Your name (optional; blank: anonymous)"), for: "fb-name")
            TextInput("name", id: "fb-name", value: m.values?.name, maxLength: 50)
            FieldLabel(c.t("联系电话或电子邮箱（可不填，不公开）", "Phone or e-mail (optional, never published)"), for: "fb-contact")
            TextInput("contact", id: "fb-contact", value: m.values?.contact, maxLength: 100)
            FieldLabel(c.t(q.chinese, q.english) + c.t("（防止自动提交）", " (to keep out scripts)"), for: "fb-answer")
            TextInput("answer", id: "fb-answer", required: true, maxLength: 10, inputMode: "numeric")
            Muted(
                c.t(
                    "留言经审核后公开，由责任单位在 \(FeedbackRules.answerDays) 天内答复并公开。联系方式只用于答复，不公开，答复后保存 \(FeedbackRules.contactRetentionDays) 天即删除。",
                    "Feedback is published once moderated, and the responsible unit answers within \(FeedbackRules.answerDays) days, in public. Your contact is used only to answer you, never published, and erased \(FeedbackRules.contactRetentionDays) days after the answer."
                ))
            Paragraph { Submit(c.t("提交留言", "Send")) }
        }.attr("method", "post").attr("action", SiteURL.publicFeedback(m.plan).path).classes("stack card")
    }

    /// The form again, with what was typed and what was wrong.
    struct FormPage: PageView {
        var model: FormModel
        var planTitle: String

        func title(_ c: PageContext) -> String { c.t("留言", "Feedback") }

        func content(_ c: PageContext) -> any Component {
            ComponentGroup {
                Paragraph { Anchor(planTitle, .publicPlan(model.plan)).zh() }
                FeedbackViews.form(model, c)
            }
        }
    }

    struct Received: PageView {
        var plan: UUID

        func title(_ c: PageContext) -> String { c.t("留言已收到", "Feedback received") }

        func content(_ c: PageContext) -> any Component {
            ComponentGroup {
                Paragraph {
                    Words(
                        c.t(
                            "谢谢！您的留言经审核后公开，责任单位将在 \(FeedbackRules.answerDays) 天内答复。",
                            "Thank you. Your feedback is published once moderated; the responsible unit answers within \(FeedbackRules.answerDays) days."
                        ))
                }
                Paragraph { Anchor(c.t("返回计划", "Back to the plan"), .publicPlan(plan)) }
            }
        }
    }
}
