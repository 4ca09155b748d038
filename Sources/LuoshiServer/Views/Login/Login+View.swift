import Foundation
import LuoshiCore
import Plot

extension Login {
    struct View: PageView {
        var model: Model

        func title(_ c: PageContext) -> String { c.t("登录落实", "Sign in to Luoshi") }

        func content(_ c: PageContext) -> any Component {
            if model.failed {
                Paragraph { Words(c.t("用户名或密码不正确", "Wrong username or password")) }.class("flash")
            }
            PostForm(.login(), c, class: "stack card") {
                Hidden("next", model.next)
                FieldLabel(c.t("用户名", "Username"), for: "u")
                TextInput("username", id: "u", required: true).attr("autocomplete", "username")
                FieldLabel(c.t("密码", "Password"), for: "p")
                TextInput("password", id: "p", type: "password", required: true)
                    .attr("autocomplete", "current-password")
                Paragraph { Submit(c.t("登录", "Sign in")) }
            }.attr("style", "max-width:360px")
        }
    }
}
