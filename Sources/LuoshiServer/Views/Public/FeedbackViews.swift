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
        /// Whether this site sends mail: following by e-mail is offered only then.
        var mail = false
        /// What was typed, when it comes back with an error.
        var values: FeedbackService.Submission? = nil
        var followValues: Following.Request? = nil
        var error: String? = nil
    }

    /// The day's question a person answers (no third party's captcha), as every public form that writes asks it.
    static func question(_ m: FormModel, id: String, _ c: PageContext) -> any Component {
        let q = FeedbackRules.question(m.question.0, m.question.1)
        return ComponentGroup {
            FieldLabel(c.t(q.chinese, q.english) + c.t("（防止自动提交）", " (to keep out scripts)"), for: id)
            TextInput("answer", id: id, required: true, maxLength: 10, inputMode: "numeric")
        }
    }

    /// Following an item (or the whole plan): by e-mail when the site sends mail, and by its Atom feed.
    static func follow(_ m: FormModel, _ c: PageContext) -> any Component {
        let q = FollowRules.self
        let feed =
            m.item.map { SiteURL.publicItem(plan: m.plan, code: $0).path + "/feed.atom" }
            ?? SiteURL.publicFile(plan: m.plan, name: "feed.atom").path
        return ComponentGroup {
            if m.mail {
                Element("form") {
                    if let error = m.error { Paragraph { Words(error) }.class("flash error").attr("role", "alert") }
                    Hidden("item", m.item ?? "")
                    Hidden("day", Breakdown.iso(m.day))
                    FieldLabel(c.t("电子邮箱", "E-mail address"), for: "fl-email")
                    TextInput(
                        "email", id: "fl-email", value: m.followValues?.email, type: "email", required: true,
                        maxLength: 254)
                    FeedbackViews.question(m, id: "fl-answer", c)
                    Muted(
                        c.t(
                            "状态、数据或答复有变化时发邮件告知。提交后请到邮箱点击确认链接；\(q.confirmDays) 天内不确认，邮箱即删除。每封邮件都可一键取消关注，取消后邮箱即删除。",
                            "You are mailed when the status, figure or answers change. Confirm from the mail you are sent; unconfirmed, the address is erased after \(q.confirmDays) days. Every mail can stop the following in one step, and the address is then erased."
                        ))
                    Paragraph { Submit(c.t("关注", "Follow")) }
                }.attr("method", "post").attr("action", SiteURL.publicFollow(m.plan).path).classes("stack card")
            }
            Paragraph {
                Element("a", text: c.t("订阅更新 (Atom)", "Subscribe to its updates (Atom feed)")).attr("href", feed)
            }.class("noprint")
        }
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
            FieldLabel(
                c.t(
                    "照片（可不填，一张，\(Limits.feedbackPhoto >> 20) MB 以内，仅工作人员可见，拍摄位置信息会被删除）",
                    "A photo (optional: one, up to \(Limits.feedbackPhoto >> 20) MB, seen by staff only; where it was taken is removed)"
                ),
                for: "fb-photo")
            VoidElement("input").attr("type", "file").attr("name", "photo").attr("id", "fb-photo").attr(
                "accept", "image/*")
            FeedbackViews.question(m, id: "fb-answer", c)
            Muted(
                c.t(
                    "留言经审核后公开，由责任单位在 \(FeedbackRules.answerDays) 天内答复并公开。联系方式只用于答复，不公开，答复后保存 \(FeedbackRules.contactRetentionDays) 天即删除。",
                    "Feedback is published once moderated, and the responsible unit answers within \(FeedbackRules.answerDays) days, in public. Your contact is used only to answer you, never published, and erased \(FeedbackRules.contactRetentionDays) days after the answer."
                ))
            Paragraph { Submit(c.t("提交留言", "Send")) }
        }.attr("method", "post").attr("action", SiteURL.publicFeedback(m.plan).path).attr(
            "enctype", "multipart/form-data"
        ).classes("stack card")
    }

    /// The form again (feedback, or following), with what was typed and what was wrong.
    struct FormPage: PageView {
        var model: FormModel
        var planTitle: String
        var following = false

        func title(_ c: PageContext) -> String { following ? c.t("关注", "Follow") : c.t("留言", "Feedback") }

        func content(_ c: PageContext) -> any Component {
            ComponentGroup {
                Paragraph { Anchor(planTitle, .publicPlan(model.plan)).zh() }
                if following { FeedbackViews.follow(model, c) } else { FeedbackViews.form(model, c) }
            }
        }
    }

    /// A follower's own page, reached from the mail's link: confirm, or stop.
    struct FollowerPage: PageView {
        var follower: Follower
        var planTitle: String
        /// The item followed, as "number title"; nil: the whole plan.
        var item: String?
        var action: String

        func title(_ c: PageContext) -> String { c.t("关注", "Following") }

        func content(_ c: PageContext) -> any Component {
            ComponentGroup {
                Element("dl") {
                    Element("dt", text: c.t("计划", "Plan"))
                    Element("dd") { Anchor(planTitle, .publicPlan(follower.$plan.id)) }.zh()
                    Element("dt", text: c.t("关注的事项", "Following"))
                    Element("dd", text: item ?? c.t("全部事项", "Every item")).zh()
                    Element("dt", text: c.t("状态", "State"))
                    Element("dd", text: c.name(follower.state))
                }
                switch follower.state {
                case .pending:
                    Element("form") {
                        Hidden("action", "confirm")
                        Paragraph { Submit(c.t("确认关注", "Confirm following")) }
                    }.attr("method", "post").attr("action", action)
                    Element("form") {
                        Hidden("action", "stop")
                        Paragraph { Submit(c.t("不是我申请的，删除邮箱", "It was not me: erase the address"), class: "link") }
                    }.attr("method", "post").attr("action", action)
                case .confirmed:
                    Muted(
                        c.t(
                            "状态、数据或答复有变化时发邮件告知。", "You are mailed when the status, figure or answers change."))
                    Element("form") {
                        Hidden("action", "stop")
                        Paragraph { Submit(c.t("取消关注", "Stop following")) }
                    }.attr("method", "post").attr("action", action)
                case .ended, .lapsed:
                    Muted(c.t("邮箱已从本站删除，不会再收到邮件。", "The address is erased from this site: no more mail."))
                }
            }
        }
    }

    /// What a citizen sees once a form is taken (feedback received, a confirmation mail sent): a title, what
    /// happens next, and the way back to the plan.
    struct Acknowledged: PageView {
        var plan: UUID
        var heading: (chinese: String, english: String)
        var message: (chinese: String, english: String)

        func title(_ c: PageContext) -> String { c.t(heading.chinese, heading.english) }

        func content(_ c: PageContext) -> any Component {
            ComponentGroup {
                Paragraph { Words(c.t(message.chinese, message.english)) }
                Paragraph { Anchor(c.t("返回计划", "Back to the plan"), .publicPlan(plan)) }
            }
        }

        static func feedbackReceived(_ plan: UUID) -> Acknowledged {
            Acknowledged(
                plan: plan, heading: ("留言已收到", "Feedback received"),
                message: (
                    "谢谢！您的留言经审核后公开，责任单位将在 \(FeedbackRules.answerDays) 天内答复。",
                    "Thank you. Your feedback is published once moderated; the responsible unit answers within \(FeedbackRules.answerDays) days."
                ))
        }

        static func followRequested(_ plan: UUID) -> Acknowledged {
            Acknowledged(
                plan: plan, heading: ("请查收确认邮件", "Check your mail"),
                message: (
                    "如果该邮箱尚未关注，我们已发去一封确认邮件。请打开邮件中的链接确认，确认后才开始发送更新。",
                    "Unless the address already follows it, a confirmation mail is on its way. Open its link to confirm; updates are sent only after that."
                ))
        }
    }
}
