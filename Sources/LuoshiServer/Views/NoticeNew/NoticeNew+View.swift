import Foundation
import LuoshiCore
import Plot

extension NoticeNew {
    struct View: PageView {
        var model: Model

        func title(_ c: PageContext) -> String { c.t("发督办单", "Issue a notice") }

        func content(_ c: PageContext) -> any Component {
            Paragraph { Anchor(model.itemTitle, .item(model.item)).zh() }
            PostForm(.notices(), c, class: "stack") {
                Hidden("item", model.item.uuidString)
                FieldLabel(c.t("督办单位", "Unit"), for: "unit")
                Element("select") {
                    Options(
                        model.units, value: { $0.id.uuidString }, label: { $0.name },
                        selected: model.leadUnit?.uuidString)
                }.attr("id", "unit").attr("name", "unit")
                NoticeFields(c, ids: "", required: true)
                Paragraph { Submit(c.t("发出", "Issue")) }
            }
        }
    }
}

extension NoticeNew {
    struct Picker: PageView {
        var model: Choice

        func title(_ c: PageContext) -> String { c.t("发督办单：选择事项", "Issue a notice: choose the item") }

        func content(_ c: PageContext) -> any Component {
            Element("form") {
                FieldLabel(c.t("事项名称含", "Title contains"), for: "q")
                Words(" ")
                TextInput("q", id: "q", value: model.query, maxLength: 100)
                Words(" ")
                Submit(c.t("查找", "Find"))
            }.attr("method", "get").attr("action", SiteURL.newNotice().path)
            Muted(
                c.t(
                    "逾期、滞后和有风险的事项排在前面。共 \(model.matched) 项" + (model.matched > 100 ? "，显示前 100 项。" : "。"),
                    "Overdue, behind and at-risk items come first. \(model.matched) found"
                        + (model.matched > 100 ? "; the first 100 are shown." : ".")))
            ListTable([c.t("选择", "Select"), c.t("事项", "Item"), c.t("牵头单位", "Lead unit"), c.t("状态", "Status"), ""]) {
                for item in model.candidates {
                    TR {
                        TD {
                            VoidElement("input").attr("type", "checkbox").attr("name", "items[]")
                                .attr("value", item.id.uuidString).attr("form", "bulk")
                                .attr("aria-label", c.t("选择", "Select")).flag("checked", model.selectAll)
                        }
                        TD {
                            Anchor(String(item.title.prefix(80)), .item(item.id)).zh()
                            Element("small", text: " · " + item.plan).classes("muted").attr("lang", "zh-CN")
                        }
                        TD { Span { Words(item.unit ?? "—") }.attr("lang", "zh-CN") }
                        TD { StatusBadge(item.status, c) }
                        TD {
                            Anchor(c.t("对此发督办单", "Issue a notice on this"), .newNotice(item: item.id)).classes("button")
                        }
                    }
                }
            }
            if !model.candidates.isEmpty { bulk(c) }
        }

        /// One step for every item ticked: a reminder to report, or a notice, each to the item's lead unit.
        func bulk(_ c: PageContext) -> any Component {
            PostForm(.bulkSupervision, c, class: "stack card") {
                Element("h2", text: c.t("对所选事项", "On the selected items"))
                Paragraph {
                    Anchor(c.t("全选以上事项", "Select every item above"), .newNoticeAll(query: model.query))
                }
                Element("fieldset") {
                    Element("legend", text: c.t("催报", "Remind to report"))
                    FieldLabel(c.t("附言（可选）", "Note (optional)"), for: "note")
                    TextInput("note", id: "note", maxLength: 500)
                    Paragraph {
                        Submit(c.t("向牵头单位催报", "Remind the lead units")).attr("name", "action").attr("value", "remind")
                    }
                }
                Element("fieldset") {
                    Element("legend", text: c.t("发督办单", "Issue notices"))
                    // Not required in the page: the same form also sends reminders, which need none of them.
                    NoticeFields(c, ids: "b-", required: false)
                    Paragraph {
                        Submit(c.t("向牵头单位各发一份督办单", "Issue each lead unit a notice")).attr("name", "action")
                            .attr("value", "notice")
                    }
                }
            }.attr("id", "bulk")
        }
    }

    struct BulkDone: PageView {
        var model: Bulk

        func title(_ c: PageContext) -> String {
            let done = model.outcomes.filter { $0.done != nil }.count
            return model.isNotice
                ? c.t("已发出 \(done) 份督办单", "\(done) notices issued") : c.t("已催报 \(done) 项", "\(done) reminders sent")
        }

        func content(_ c: PageContext) -> any Component {
            ListTable([
                c.t("事项", "Item"), model.isNotice ? c.t("文号", "Number") : c.t("单位", "Unit"), c.t("结果", "Result"),
            ]) {
                for o in model.outcomes {
                    TR {
                        TD { Anchor(String(o.title.prefix(60)), .item(o.item)).zh() }
                        TD {
                            if let n = o.notice, let number = o.done {
                                Anchor(number, .notice(n)).zh()
                            } else {
                                Words(o.done ?? "—")
                            }
                        }
                        TD(o.refused ?? c.t("完成", "Done")).attr("lang", o.refused == nil ? nil : "zh-CN")
                    }
                }
            }
            Paragraph {
                Anchor(c.t("返回督办单", "Back to notices"), .notices())
                Words(" · ")
                Anchor(c.t("继续选择事项", "Choose more items"), .newNotice())
            }
        }
    }
}

/// What a notice says: its level, reason, required action and deadline. `ids` keeps two forms on one
/// page apart.
func NoticeFields(_ c: PageContext, ids: String, required: Bool) -> any Component {
    ComponentGroup {
        Element("fieldset") {
            Element("legend", text: c.t("督办等级", "Level"))
            for level in NoticeLevel.allCases {
                Element("label") {
                    VoidElement("input").attr("type", "radio").attr("name", "level")
                        .attr("value", level.rawValue).flag("checked", level == .yellow)
                    Words(" " + c.name(level) + " ")
                }
            }
        }
        FieldLabel(c.t("督办事由", "Reason"), for: ids + "reason")
        TextBox("reason", id: ids + "reason", required: required, maxLength: 2000)
        FieldLabel(c.t("办理要求", "Required action"), for: ids + "requiredAction")
        TextBox("requiredAction", id: ids + "requiredAction", required: required, maxLength: 2000)
        FieldLabel(c.t("反馈期限（留空按等级默认）", "Respond by (empty: the level's default)"), for: ids + "respondBy")
        TextInput("respondBy", id: ids + "respondBy", type: "date")
    }
}
