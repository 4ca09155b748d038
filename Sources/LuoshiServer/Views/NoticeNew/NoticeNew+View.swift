import Foundation
import LuoshiCore
import Plot

extension NoticeNew {
    struct View: PageView {
        var model: Model

        func title(_ c: PageContext) -> String { c.t("发督办单", "Issue a notice") }

        func content(_ c: PageContext) -> any Component {
            Paragraph { Anchor(model.itemTitle, .item(model.item)) }
            PostForm(.notices(), c, class: "stack") {
                Hidden("item", model.item.uuidString)
                FieldLabel(c.t("督办单位", "Unit"), for: "unit")
                Element("select") {
                    Options(
                        model.units, value: { $0.id.uuidString }, label: { $0.name },
                        selected: model.leadUnit?.uuidString)
                }.attr("id", "unit").attr("name", "unit")
                Element("fieldset") {
                    Element("legend", text: c.t("督办等级", "Level"))
                    for level in NoticeLevel.allCases {
                        Element("label") {
                            VoidElement("input").attr("type", "radio").attr("name", "level")
                                .attr("value", level.rawValue).flag("checked", level == .yellow)
                            Words(" " + c.t(level.chinese, level.rawValue) + " ")
                        }
                    }
                }
                FieldLabel(c.t("督办事由", "Reason"), for: "reason")
                TextBox("reason", id: "reason", required: true, maxLength: 2000)
                FieldLabel(c.t("办理要求", "Required action"), for: "requiredAction")
                TextBox("requiredAction", id: "requiredAction", required: true, maxLength: 2000)
                FieldLabel(c.t("反馈期限（留空按等级默认）", "Respond by (empty: the level's default)"), for: "respondBy")
                TextInput("respondBy", id: "respondBy", type: "date")
                Paragraph { Submit(c.t("发出", "Issue")) }
            }
        }
    }
}
