import Foundation
import LuoshiCore
import Plot

extension AuditLog {
    struct View: PageView {
        var model: Model

        func title(_ c: PageContext) -> String { c.t("审计日志", "Audit log") }

        func content(_ c: PageContext) -> any Component {
            if let broken = model.brokenAt {
                Paragraph { Badge(c.t("链条断裂", "Chain broken") + ": " + broken, colour: "red") }
            } else {
                Paragraph {
                    Badge(c.t("链条完整", "Chain intact"), colour: "green")
                    Words(" \(model.count) " + c.t("条记录", "entries"))
                }
            }
            ListTable(["#", c.t("时间", "When"), c.t("操作人", "Who"), c.t("操作", "What"), c.t("对象", "Record"), "hash"]) {
                for e in model.entries { row(e, c) }
            }
            Pager(paging: model.page, context: c) { .auditPage($0) }
        }

        func row(_ e: Entry, _ c: PageContext) -> any Component {
            TR {
                TD("\(e.sequence)", class: "num")
                TD(Format.date(e.at, c.lang))
                TD(e.actor).zh()
                TD(c.t(e.action.chinese, e.action.english))
                TD(c.t(e.entity.chinese, e.entity.english) + " " + String(e.entityID.prefix(8)))
                TD { Element("code", text: String(e.hash.prefix(12))) }
            }
        }
    }
}
