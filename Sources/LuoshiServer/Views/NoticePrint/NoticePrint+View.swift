import Fluent
import Foundation
import LuoshiCore
import Plot

extension NoticePrint {
    /// Printed alone: no header, navigation or footer.
    struct View: PageView {
        var model: Model

        func title(_ c: PageContext) -> String { model.notice.number }

        func document(_ c: PageContext) -> String {
            Layout.document(c, title: title(c), bodyClass: "paper", content: content(c).render())
        }

        /// The page draws its own heading.
        func heading(_ c: PageContext) -> String? { nil }

        func content(_ c: PageContext) -> any Component {
            let n = model.notice
            return ComponentGroup {
                Header {
                    H1 { Words(model.issuer + "督查督办通知单") }
                    Paragraph { Words(n.number) }
                }.class("masthead")
                Paragraph { Words(n.unit.name + "：") }
                Paragraph {
                    Words("现将「\(n.item.title)」列入")
                    Element("strong", text: n.level.chinese + "督办")
                    Words("。")
                }.class("indent")
                line("督办事由：", n.reason)
                line("办理要求：", n.requiredAction)
                line("反馈期限：", model.deadline)
                if let response = n.response { line("办理情况：", response) }
                Element("table") {
                    TR { for h in ["督办等级", "状态", "签收", "反馈"] { Element("th", text: h) } }
                    TR {
                        TD(n.level.chinese)
                        TD(n.state.chinese)
                        TD(n.signedAt.map(Format.date) ?? "未签收")
                        TD(n.respondedAt.map(Format.date) ?? "未反馈")
                    }
                }
                Paragraph {
                    Words(model.issuer + "督查办")
                    VoidElement("br")
                    Words(Format.date(n.issuedAt))
                }.class("signature")
            }
        }

        func line(_ label: String, _ text: String) -> any Component {
            Paragraph {
                Element("strong", text: label)
                Words(text)
            }.class("indent")
        }
    }
}
