import Foundation
import LuoshiCore
import Plot

extension Confirm {
    struct View: PageView {
        var model: Model

        func title(_ c: PageContext) -> String { c.t(model.title.zh, model.title.en) }

        func content(_ c: PageContext) -> any Component {
            Paragraph { Anchor(model.planTitle, .plan(model.plan)).zh() }
            Paragraph { Words(c.t("这一步将：", "This will:")) }
            Element("ul") { for line in model.consequences { ListItem { Words(c.t(line.zh, line.en)) } } }
            PostForm(model.action, c) {
                Hidden("confirm", "yes")
                Submit(c.t(model.button.zh, model.button.en))
                Words(" ")
                Anchor(c.t("取消", "Cancel"), .plan(model.plan))
            }
        }
    }
}
