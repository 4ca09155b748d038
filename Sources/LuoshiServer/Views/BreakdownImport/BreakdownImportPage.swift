import Foundation
import LuoshiCore
import Plot

/// Bringing an edited 任务分解表 back: the upload form, then the preview of every change it would make,
/// with the one button that makes them all.
enum BreakdownImportPage {
    struct Upload: PageView {
        var plan: UUID
        var title: String

        func title(_ c: PageContext) -> String { c.t("导入任务分解表", "Import a task breakdown") }

        func content(_ c: PageContext) -> any Component {
            ComponentGroup {
                Paragraph { Anchor(title, .plan(plan)).zh() }
                Paragraph {
                    Words(
                        c.t(
                            "先下载本计划的任务分解表，在 Excel 或 WPS 中修改牵头领导、牵头单位、配合单位、责任人、完成时限、报送周期或权重，再上传。"
                                + "自己制作的表也可以：表头按含义识别（如 责任领导、主办单位、协办单位、时间节点），没有编码的行按任务内容匹配。上传后先预览，确认后才写入。",
                            "Download the plan's task breakdown, change leaders, units, the responsible person, due dates, "
                                + "cycles or weights in Excel or WPS, and upload it. A sheet made by hand also works: headers are "
                                + "recognised by meaning, and rows without a code are matched by their words. Nothing changes "
                                + "until you confirm the preview."))
                }
                Paragraph {
                    Anchor(c.t("下载当前的任务分解表 (Excel)", "Download the current breakdown (Excel)"), .breakdown(plan: plan))
                }
                SheetUploadForm(
                    .breakdownImport(plan: plan), c,
                    label: c.t("分解表（Excel .xlsx 或 CSV，20 MB 以内）", "Breakdown (Excel .xlsx or CSV; up to 20 MB)"),
                    button: c.t("上传并预览", "Upload and preview"), id: "sheet")
            }
        }
    }

    struct Model {
        var plan: UUID
        var title: String
        var closed: Bool
        var sha: String
        var name: String
        var preview: BreakdownImport
        var applied: BreakdownImport.Applied?
        var warning: String?

        /// Items whose assignment would change.
        var itemsChanged: Int { Set(preview.changes.map(\.item)).count }
    }

    /// Longer lists are cut here: the counts above them stay whole.
    static let shown = 500

    struct Preview: PageView {
        var model: Model

        func title(_ c: PageContext) -> String { c.t("分解表预览", "Breakdown preview") }

        func content(_ c: PageContext) -> any Component {
            ComponentGroup {
                Paragraph {
                    Anchor(model.title, .plan(model.plan)).zh()
                    Words(" · ")
                    Span { Words(model.name) }.attr("lang", "zh-CN")
                    Words(" · sha256 ")
                    Element("code", text: String(model.sha.prefix(12)))
                }
                if let a = model.applied {
                    Flash(
                        c.t(
                            "已导入：\(a.assigned) 项的分解已修改，新增 \(a.added) 项任务，新建 \(a.unitsCreated.count) 个单位"
                                + (a.held > 0 ? "；\(a.held) 处因没有对应的领导或单位未修改" : "") + "。全部记入审计日志。",
                            "Imported: \(a.assigned) assignments changed, \(a.added) tasks added, \(a.unitsCreated.count) units "
                                + "created"
                                + (a.held > 0 ? "; \(a.held) changes held for want of a leader or unit" : "")
                                + ". All of it is in the audit log."))
                }
                if let w = model.warning { Paragraph { Words(w) }.class("flash warn").attr("role", "alert") }
                summary(c)
                errors(c)
                changes(c)
                newItems(c)
                skipped(c)
                applyForm(c)
            }
        }

        func summary(_ c: PageContext) -> any Component {
            let p = model.preview
            return Paragraph {
                Words(
                    c.t(
                        "读取任务 \(p.rows) 行：\(p.changes.count) 处修改（涉及 \(model.itemsChanged) 项），"
                            + "\(p.newItems.count) 行不是本计划的事项，\(p.errors.count) 处无法读取。",
                        "\(p.rows) task rows read: \(p.changes.count) changes on \(model.itemsChanged) items, "
                            + "\(p.newItems.count) rows that are no item of the plan, \(p.errors.count) cells that cannot be read."
                    ))
            }
        }

        func errors(_ c: PageContext) -> any Component {
            let list = model.preview.errors
            guard !list.isEmpty else { return EmptyComponent() }
            return ComponentGroup {
                H2 { Words(c.t("无法读取的单元格", "Cells that cannot be read")) }
                Paragraph {
                    Words(
                        c.t(
                            "请在表中改正后重新上传；有错误时不能导入，以免只改了一部分。",
                            "Correct them in the sheet and upload it again: a sheet with errors is not imported, so "
                                + "nothing is changed halfway."))
                }
                ListTable([c.t("行", "Row"), c.t("列", "Column"), c.t("内容", "Value"), c.t("问题", "Problem")]) {
                    for e in list.prefix(BreakdownImportPage.shown) {
                        TR {
                            TD(c.t("第\(e.row)行", "row \(e.row)"), class: "nowrap")
                            TD(e.column).zh()
                            TD(e.value).zh()
                            TD(e.problem)
                        }
                    }
                }
                more(list.count, c)
            }
        }

        func changes(_ c: PageContext) -> any Component {
            let list = model.preview.changes
            guard !list.isEmpty else {
                return Muted(c.t("分解表与计划中的分解一致，没有要修改的。", "The sheet agrees with the plan: nothing to change."))
            }
            let units = Set(model.preview.newUnits)
            let leaders = Set(model.preview.newLeaders)
            return ComponentGroup {
                H2 { Words(c.t("将修改", "What will change")) }
                ListTable([
                    c.t("行", "Row"), c.t("事项", "Item"), c.t("列", "Column"), c.t("原为", "Before"), c.t("改为", "After"),
                    c.t("匹配", "Matched by"),
                ]) {
                    for ch in list.prefix(BreakdownImportPage.shown) {
                        TR {
                            TD(c.t("第\(ch.row)行", "row \(ch.row)"), class: "nowrap")
                            TD { Anchor(ch.title, .item(ch.item)).zh() }
                            TD(Self.column(ch.field, c), class: "nowrap")
                            TD(ch.before.isEmpty ? "—" : ch.before, class: "nowrap").zh()
                            TD {
                                Span { Words(ch.after.isEmpty ? c.t("（清空）", "(cleared)") : ch.after) }.attr(
                                    "lang", "zh-CN")
                                if ch.field == .leader && leaders.contains(ch.after) {
                                    Words(" ")
                                    Badge(c.t("无此领导账号，不修改", "no such leader: held"), colour: "amber")
                                }
                                if [.leadUnit, .cooperatingUnits].contains(ch.field),
                                    ch.after.split(separator: "、").contains(where: { units.contains(String($0)) })
                                {
                                    Words(" ")
                                    Badge(c.t("含新单位", "names a new unit"), colour: "amber")
                                }
                            }
                            TD(Self.rule(ch.rule, c), class: "nowrap")
                        }
                    }
                }
                more(list.count, c)
            }
        }

        func newItems(_ c: PageContext) -> any Component {
            let list = model.preview.newItems
            guard !list.isEmpty else { return EmptyComponent() }
            return ComponentGroup {
                H2 { Words(c.t("不是本计划事项的行", "Rows that are no item of the plan")) }
                Paragraph {
                    Words(
                        c.t(
                            "这些行的编码和内容都对不上本计划的事项。勾选下方“作为新任务加入”时，它们将加入其所在领域（没有的领域一并新建）。",
                            "Neither their code nor their words match an item of the plan. Tick “add as new tasks” below to "
                                + "add them under their area (a missing area is added too)."))
                }
                ListTable([c.t("行", "Row"), c.t("领域/部分", "Area"), c.t("任务内容", "Task")]) {
                    for n in list.prefix(BreakdownImportPage.shown) {
                        TR {
                            TD(c.t("第\(n.row)行", "row \(n.row)"), class: "nowrap")
                            TD(n.area ?? "—").zh()
                            TD(n.content).zh()
                        }
                    }
                }
                more(list.count, c)
            }
        }

        func skipped(_ c: PageContext) -> any Component {
            let list = model.preview.skipped
            guard !list.isEmpty else { return EmptyComponent() }
            return ComponentGroup {
                H2 { Words(c.t("未采用的行", "Rows left out")) }
                ListTable([c.t("行", "Row"), c.t("任务内容", "Task"), c.t("原因", "Why")]) {
                    for s in list.prefix(BreakdownImportPage.shown) {
                        TR {
                            TD(c.t("第\(s.row)行", "row \(s.row)"), class: "nowrap")
                            TD(s.content).zh()
                            TD(s.reason)
                        }
                    }
                }
            }
        }

        func applyForm(_ c: PageContext) -> any Component {
            let p = model.preview
            if model.closed { return Muted(c.t("本计划已结束，不能再导入。", "The plan is closed: nothing can be imported.")) }
            guard p.errors.isEmpty else { return EmptyComponent() }
            guard !p.isEmpty || !p.newUnits.isEmpty else { return EmptyComponent() }
            return PostForm(.breakdownPreview(plan: model.plan, sha: model.sha), c, class: "stack card") {
                Hidden("digest", p.digest)
                Hidden("name", model.name)
                if !p.newUnits.isEmpty {
                    H2 { Words(c.t("表中的新单位", "New units in the sheet")) }
                    Paragraph {
                        Words(
                            c.t(
                                "以下名称不是已有的单位。勾选的将新建（归属本镇）；不勾选的，涉及它们的修改不会写入。",
                                "These names are no unit yet. Ticked ones are created (under this government); changes that "
                                    + "name an unticked one are held."))
                    }
                    for name in p.newUnits {
                        Div { Checkbox("units[]", value: name, label: name) }.attr("lang", "zh-CN")
                    }
                }
                if !p.newLeaders.isEmpty {
                    Paragraph {
                        Words(
                            c.t(
                                "以下领导还没有账号，涉及他们的修改不会写入；请先在“账号”中新建，再重新上传：",
                                "These leaders have no account; changes naming them are held. Add their accounts first, "
                                    + "then upload again: ") + p.newLeaders.joined(separator: "、"))
                    }
                }
                if !p.newItems.isEmpty {
                    Div {
                        Checkbox(
                            "addItems", value: "1",
                            label: c.t(
                                "将 \(p.newItems.count) 行作为新任务加入计划", "Add the \(p.newItems.count) rows as new tasks"))
                    }
                }
                Paragraph {
                    Words(
                        c.t(
                            "确认后全部修改在一次操作中写入，并以文件的 sha256 记入审计日志；任何一处失败则全部不写入。",
                            "Confirming writes every change at once, logged with the file's sha256; if any part fails, "
                                + "nothing is written."))
                }
                Paragraph {
                    Submit(c.t("确认导入", "Import"))
                    Words(" ")
                    Anchor(c.t("取消", "Cancel"), .plan(model.plan))
                }
            }
        }

        func more(_ count: Int, _ c: PageContext) -> any Component {
            guard count > BreakdownImportPage.shown else { return EmptyComponent() }
            return Muted(
                c.t(
                    "另有 \(count - BreakdownImportPage.shown) 行未列出。",
                    "\(count - BreakdownImportPage.shown) more not listed."))
        }

        static func column(_ f: BreakdownField, _ c: PageContext) -> String {
            switch f {
            case .leader: return c.t("牵头领导", "Lead leader")
            case .leadUnit: return c.t("牵头单位", "Lead unit")
            case .cooperatingUnits: return c.t("配合单位", "Cooperating units")
            case .responsible: return c.t("责任人", "Responsible person")
            case .due: return c.t("完成时限", "Due date")
            case .cycle: return c.t("报送周期", "Reporting cycle")
            case .weight: return c.t("权重", "Weight")
            default: return f.rawValue
            }
        }

        static func rule(_ r: BreakdownSheet.MatchRule, _ c: PageContext) -> String {
            switch r {
            case .code: return c.t("编码", "code")
            case .words: return c.t("任务内容", "words")
            case .nearWords: return c.t("相近的内容", "near words")
            }
        }
    }
}
