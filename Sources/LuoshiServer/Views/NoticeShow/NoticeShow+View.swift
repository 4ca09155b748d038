import Fluent
import Foundation
import LuoshiCore
import Plot

extension NoticeShow {
    struct View: PageView {
        var model: Model

        func title(_ c: PageContext) -> String { model.notice.number }

        /// The page draws its own heading.
        func heading(_ c: PageContext) -> String? { nil }

        func content(_ c: PageContext) -> any Component {
            let n = model.notice
            return ComponentGroup {
                Paragraph { Anchor(c.t("督办单", "Notices"), .notices()) }.class("muted")
                H1 {
                    Words(n.number + " ")
                    LevelBadge(n.level, c)
                }
                facts(c)
                Paragraph {
                    Anchor(c.t("打印", "Print"), .noticePrint(n.id!))
                    Words(" · ")
                    Anchor(c.t("下载 Word", "Download .docx"), .noticeDocx(n.id!))
                }
                forms(c)
                H2 { Words(c.t("办理过程", "Steps")) }
                Element("ol") {
                    for s in model.steps {
                        ListItem {
                            Words(
                                "\(Format.date(s.at, c.lang)) · \(s.actor) · \(c.t(s.action.chinese, s.action.english))"
                                    + (s.text.map { $0.isEmpty ? "" : "：" + $0 } ?? ""))
                        }
                    }
                }.class("timeline")
            }
        }

        func fact(_ term: String, _ detail: String) -> any Component {
            ComponentGroup {
                Element("dt", text: term)
                Element("dd", text: detail)
            }
        }

        func facts(_ c: PageContext) -> any Component {
            let n = model.notice
            let escalated =
                n.escalation > 0
                ? " · " + c.t(n.escalation == 1 ? "逾期未反馈，已报挂钩领导" : "逾期未反馈，已报主要领导", "escalated") : ""
            return Element("dl") {
                Element("dt", text: c.t("事项", "Item"))
                Element("dd") { Anchor(n.item.title, .item(n.$item.id)).zh() }
                fact(c.t("督办单位", "Unit"), n.unit.name)
                fact(c.t("督办事由", "Reason"), n.reason)
                fact(c.t("办理要求", "Required action"), n.requiredAction)
                fact(c.t("反馈期限", "Respond by"), Format.date(n.respondBy, c.lang))
                fact(c.t("状态", "State"), c.name(n.state) + escalated)
                if let response = n.response { fact(c.t("办理情况", "Response"), response) }
                if let back = n.returnReason { fact(c.t("退回理由", "Sent back"), back) }
                if !model.files.isEmpty {
                    Element("dt", text: c.t("证明材料", "Evidence"))
                    Element("dd") {
                        Element("ul") {
                            for f in model.files {
                                ListItem {
                                    Anchor(f.filename, .noticeEvidence(f.id)).zh()
                                    Words(" ")
                                    Span { Words(Format.date(f.uploadedAt, c.lang)) }.class("muted")
                                }
                            }
                        }
                    }
                }
            }.class("facts")
        }

        func forms(_ c: PageContext) -> any Component {
            let id = model.notice.id!
            let allowed = model.allowed
            return ComponentGroup {
                if allowed.sign {
                    PostForm(.noticeAction(id, .sign), c) { Submit(c.t("签收", "Sign for it")) }
                }
                if allowed.respond {
                    PostForm(.noticeAction(id, .respond), c, class: "stack", multipart: true) {
                        FieldLabel(c.t("办理情况", "What was done"), for: "text")
                        TextBox("text", id: "text", required: true, maxLength: 10000)
                        FieldLabel(c.t("证明材料（可多选）", "Evidence files"), for: "files")
                        TextInput("evidence[]", id: "files", type: "file").flag("multiple").attr(
                            "accept", EvidenceStore.accept)
                        Paragraph { Submit(c.t("反馈", "Respond")) }
                    }
                }
                if allowed.sendBack {
                    PostForm(.noticeAction(id, .sendBack), c, class: "stack") {
                        FieldLabel(c.t("退回理由", "Why it goes back"), for: "back")
                        TextBox("text", id: "back", required: true, maxLength: 2000)
                        Paragraph { Submit(c.t("退回", "Send back"), class: "secondary") }
                    }
                }
                if allowed.close {
                    PostForm(.noticeAction(id, .close), c, class: "stack") {
                        FieldLabel(c.t("办结意见", "Closing note"), for: "note")
                        TextBox("text", id: "note", maxLength: 2000)
                        Paragraph { Submit(c.t("办结", "Close")) }
                    }
                }
            }
        }
    }
}
