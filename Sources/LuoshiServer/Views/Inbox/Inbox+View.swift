import Foundation
import LuoshiCore
import Plot

extension InboxPage {
    struct View: PageView {
        var model: Model

        func title(_ c: PageContext) -> String { c.t("消息", "Inbox") }

        func content(_ c: PageContext) -> any Component {
            PostForm(.markAllRead, c) { Submit(c.t("全部标为已读", "Mark all read"), class: "secondary") }
            Element("ul") {
                if model.messages.isEmpty { ListItem { Words(c.t("没有消息", "No messages")) } }
                for m in model.messages { message(m, c) }
            }.class("inbox")
            Pager(paging: model.page, context: c, measure: ("条", "messages")) { .inboxPage($0) }
        }

        func message(_ m: Message, _ c: PageContext) -> any Component {
            ListItem {
                Element("strong") {
                    // Only links into this site are followed; anything else shows as words.
                    if let link = m.link, link.hasPrefix("/"), !link.hasPrefix("//") {
                        Element("a", text: m.title).attr("href", link)
                    } else {
                        Words(m.title)
                    }
                }
                Words(" ")
                Span { Words(Format.date(m.createdAt, c.lang)) }.class("muted")
                VoidElement("br")
                Words(m.body)
                if m.unread {
                    Words(" ")
                    PostForm(.markRead(m.id), c, class: "inline") { LinkButton(c.t("标为已读", "Mark read")) }
                }
            }.classes(m.unread ? "unread" : "")
        }
    }
}
