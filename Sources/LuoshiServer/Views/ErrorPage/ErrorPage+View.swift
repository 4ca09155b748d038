import Foundation
import LuoshiCore
import Plot

extension ErrorPage {
    struct View: PageView {
        var model: Model

        func title(_ c: PageContext) -> String { c.t("出错了", "Error") }

        /// The page draws its own heading.
        func heading(_ c: PageContext) -> String? { nil }

        func content(_ c: PageContext) -> any Component {
            Element("section") {
                H1 { Words("\(model.status)") }
                Paragraph { Words(model.message) }
                Paragraph { Anchor(c.t("返回首页", "Back to the start"), .home) }
            }.class("error")
        }
    }
}
