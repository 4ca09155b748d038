import Foundation
import LuoshiCore
import Plot

/// The links between the office's setup pages.
func SetupLinks(_ c: PageContext) -> any Component {
    Element("nav") {
        Anchor(c.t("单位", "Units"), .units)
        Words(" · ")
        Anchor(c.t("人员与账号", "People and accounts"), .people)
        Words(" · ")
        Anchor(c.t("通知渠道", "Notification channels"), .channels)
    }.attr("aria-label", c.t("设置", "Setup")).class("setup")
}

/// Where a setup page stands in the tree: the way down from the top of the reader's reach, each step a link.
private func TreeTrail(
    _ c: PageContext, trail: [(id: UUID, name: String)], at: (id: UUID, name: String)?,
    link: @escaping (UUID) -> SiteURL
) -> any Component {
    Element("nav") {
        for step in trail {
            Span { Anchor(step.name, link(step.id)) }.zh()
            Words(" › ")
        }
        if let at { Span { Words(at.name) }.zh() }
    }.attr("aria-label", c.t("所在层级", "Where in the tree")).class("trail")
}

/// A search of the units or people in reach, keeping the place in the tree.
private func TreeSearch(_ c: PageContext, action: SiteURL, value: String?, placeholder: String) -> any Component {
    Element("form") {
        FieldLabel(c.t("查找", "Search"), for: "tree-q")
        VoidElement("input").attr("type", "search").attr("name", "q").attr("id", "tree-q").attr("value", value)
            .attr("maxlength", "50").attr("placeholder", placeholder)
        Submit(c.t("查找", "Search"))
    }.attr("method", "get").attr("action", action.path).attr("role", "search").class("filters")
}

/// The fields of a unit, blank for a new one.
private func UnitFields(
    _ c: PageContext, name: String = "", kind: OrganizationKind = .department, code: String? = nil, parent: UUID?,
    governments: [(id: UUID, name: String)]
) -> any Component {
    ComponentGroup {
        FieldLabel(c.t("名称", "Name"), for: "name")
        TextInput("name", id: "name", value: name, required: true, maxLength: 100)
        FieldLabel(c.t("类型", "Kind"), for: "kind")
        Element("select") {
            Options(OrganizationKind.allCases, value: { $0.rawValue }, label: { c.name($0) }, selected: kind.rawValue)
        }.attr("id", "kind").attr("name", "kind")
        FieldLabel(c.t("统计用区划代码（可不填）", "Statistical division code (optional)"), for: "code")
        TextInput("code", id: "code", value: code ?? "", maxLength: 12, inputMode: "numeric")
        FieldLabel(c.t("所属政府", "Government it belongs to"), for: "parent")
        Element("select") {
            Element("option", text: c.t("无（树顶的政府）", "None (a government at the top)")).attr("value", "")
            Options(
                governments, value: { $0.id.uuidString }, label: { $0.name }, selected: parent?.uuidString, names: true)
        }.attr("id", "parent").attr("name", "parent")
    }
}

extension UnitsPage {
    struct View: PageView {
        var model: Model

        func title(_ c: PageContext) -> String { c.t("单位", "Units") }

        func content(_ c: PageContext) -> any Component {
            SetupLinks(c)
            Paragraph {
                Words(
                    c.t(
                        "省、市、县（区）、镇（街道）逐级隶属；部门属于一个政府，村和社区属于镇或街道。单位不能删除：报送、督办单和审计日志都以它署名；改名会记入审计日志。",
                        "Province, city, county or district, town or subdistrict: each government belongs to the one above it; departments belong to a government, villages and communities to a town or subdistrict. Units are never deleted (reports, notices and the audit log name them); a change of name is audited."
                    ))
            }
            TreeTrail(c, trail: model.trail, at: model.at.map { ($0.id, $0.name) }) { .unitsUnder($0) }
            TreeSearch(
                c, action: .units, value: model.search,
                placeholder: c.t("单位名称或区划代码", "A unit's name or division code"))
            if let search = model.search {
                H2 {
                    Words(
                        c.t(
                            "名称或代码含「\(search)」的单位：\(model.units.count) 个",
                            "Units whose name or code holds “\(search)”: \(model.units.count)")
                            + (model.units.count == DirectoryController.searchLimit
                                ? c.t("（只列前 100 个）", " (the first 100)") : ""))
                }
            } else if let at = model.at {
                Paragraph {
                    Span { Anchor(at.name, .unit(at.id)) }.zh()
                    Words(
                        " · " + c.name(at.kind) + (at.code.map { " · " + $0 } ?? "") + " · "
                            + c.t("下属 \(model.units.count) 个单位", "\(model.units.count) units directly under it"))
                }
            }
            ListTable([
                c.t("名称", "Name"), c.t("类型", "Kind"), c.t("区划代码", "Code"), c.t("所属", "Under"),
                c.t("下级", "Below"), c.t("账号", "Accounts"),
                c.t("牵头任务", "Leads"), "",
            ]) {
                for u in model.units {
                    TR {
                        TD { Anchor(u.name, .unit(u.id)).zh() }
                        TD(c.name(u.kind))
                        TD(u.code ?? "—")
                        TD(u.parent?.name ?? "—").zh()
                        TD(class: "num") {
                            if u.children > 0 { Anchor("\(u.children)", .unitsUnder(u.id)) } else { Words("—") }
                        }
                        TD("\(u.accounts)", class: "num")
                        TD("\(u.leads)", class: "num")
                        TD {
                            Anchor(
                                c.t("任务", "Tasks"), .assign(filters: .init(unit: u.id)))
                            Words(" · ")
                            Anchor(c.t("督办单", "Notices"), .notices(filters: .init(unit: u.id)))
                        }
                    }
                }
            }
            H2 { Words(c.t("新增单位", "Add a unit")) }
            PostForm(.units, c, class: "stack") {
                UnitFields(c, parent: model.home, governments: model.governments)
                Paragraph { Submit(c.t("新增", "Add")) }
            }
            H2 { Words(c.t("从表格导入组织树", "Import the tree from a sheet")) }.id("import")
            if let r = model.imported {
                Paragraph {
                    Words(
                        c.t(
                            "已导入：新增 \(r.added) 个，更新 \(r.updated) 个，未变 \(r.unchanged) 个。",
                            "Imported: \(r.added) added, \(r.updated) updated, \(r.unchanged) unchanged."))
                }.class("notice")
            }
            Muted(
                c.t(
                    "每行一个单位：名称、统计用区划代码（12 位，可写 6 或 9 位），可加“上级”（代码或名称）和“类型”。有代码的按代码找上级；已有的单位按代码，或按同一上级下的名称更新（各镇可各有党政办；名称重复时请写代码）。全部无误才写入。",
                    "A row a unit: name and statistical division code (12 digits, or 6 or 9), optionally parent (code or name) and kind. Units with a code find their parent by it; existing units are matched by code, or by name under the same parent (each town may have its own office of a common name; where a name repeats, give the code). Nothing is written unless every row is clear."
                ))
            SheetUploadForm(
                .unitsImport, c, label: c.t("组织表（.xlsx 或 .csv）", "Tree sheet (.xlsx or .csv)"),
                button: c.t("导入", "Import"), id: "tree-sheet")
        }
    }
}

extension UnitPage {
    struct View: PageView {
        var model: Model

        func title(_ c: PageContext) -> String { model.unit.name }
        func heading(_ c: PageContext) -> String? { nil }

        func content(_ c: PageContext) -> any Component {
            H1 { Span { Words(model.unit.name) }.zh() }
            SetupLinks(c)
            PostForm(.unit(model.unit.id), c, class: "stack") {
                UnitFields(
                    c, name: model.unit.name, kind: model.unit.kind, code: model.unit.code,
                    parent: model.unit.parent?.id,
                    governments: model.governments.filter { $0.id != model.unit.id })
                Paragraph { Submit(c.t("保存", "Save")) }
            }
            H2 { Words(c.t("本单位人员", "People in this unit")) }
            PeopleTable(model.people, c)
            Paragraph {
                Anchor(c.t("本单位的任务", "This unit's tasks"), .assign(filters: .init(unit: model.unit.id)))
                Words(" · ")
                Anchor(c.t("本单位的督办单", "This unit's notices"), .notices(filters: .init(unit: model.unit.id)))
            }
        }
    }
}

/// People as a list: name, sign-in name, role, unit, office, state.
func PeopleTable(_ people: [PeoplePage.Person], _ c: PageContext) -> any Component {
    ListTable([
        c.t("姓名", "Name"), c.t("用户名", "Username"), c.t("角色", "Role"), c.t("单位", "Unit"),
        c.t("职务与分管", "Office and portfolio"), c.t("状态", "State"),
    ]) {
        for p in people {
            TR(class: p.disabled ? "muted" : "") {
                TD { Anchor(p.displayName, .person(p.id)).zh() }
                TD { Element("code", text: p.username) }
                TD(c.name(p.role))
                TD(p.unit?.name ?? "—").zh()
                TD(
                    [p.office, p.portfolio.map { c.t("分管", "portfolio:") + " " + $0 }].compactMap { $0 }
                        .joined(separator: c.t("；", "; "))
                ).zh()
                TD(p.disabled ? c.t("已停用", "Disabled") : c.t("正常", "Active"))
            }
        }
    }
}

/// The fields of an account staff may set.
private func AccountFields(
    _ c: PageContext, person: PeoplePage.Person?, unit: UUID?, units: [(id: UUID, name: String)], roleLocked: Bool
) -> any Component {
    ComponentGroup {
        FieldLabel(c.t("姓名（页面和公文上显示）", "Name (shown on pages and documents)"), for: "displayName")
        TextInput("displayName", id: "displayName", value: person?.displayName, required: true, maxLength: 100)
        FieldLabel(c.t("角色", "Role"), for: "role")
        if roleLocked {
            Hidden("role", Role.admin.rawValue)
            Paragraph { Words(c.name(Role.admin) + c.t("（不能取消自己的权限）", " (you cannot change your own role)")) }
        } else {
            Element("select") {
                Options(
                    Role.allCases, value: { $0.rawValue }, label: { c.name($0) },
                    selected: (person?.role ?? .reporter).rawValue)
            }.attr("id", "role").attr("name", "role")
        }
        FieldLabel(c.t("单位（填报人必填）", "Unit (required for a reporter)"), for: "organization")
        Element("select") {
            Element("option", text: c.t("无", "None")).attr("value", "")
            Options(units, value: { $0.id.uuidString }, label: { $0.name }, selected: unit?.uuidString, names: true)
        }.attr("id", "organization").attr("name", "organization")
        FieldLabel(c.t("职务（如 镇长、副镇长）", "Office (e.g. mayor, deputy mayor)"), for: "office")
        TextInput("office", id: "office", value: person?.office, maxLength: 50)
        FieldLabel(c.t("分管工作（领导）", "Portfolio (leaders)"), for: "portfolio")
        TextInput(
            "portfolio", id: "portfolio", value: person?.portfolio, maxLength: 300,
            placeholder: c.t("如：农业农村、水利、环保", "e.g. agriculture, water, environment"))
    }
}

extension PeoplePage {
    struct View: PageView {
        var model: Model

        func title(_ c: PageContext) -> String { c.t("人员与账号", "People and accounts") }

        func content(_ c: PageContext) -> any Component {
            SetupLinks(c)
            Paragraph {
                Words(
                    c.t(
                        "账号不能删除，只能停用：停用后不能登录，已有的会话立即失效，以往的记录仍署其名。新账号和重置的密码只显示一次。",
                        "Accounts are disabled, never deleted: a disabled account cannot sign in, its sessions end at once, and what it did stays in its name. A new account's password, and a reset one, are shown once."
                    ))
            }
            TreeTrail(c, trail: model.trail, at: model.at) { .peopleOf(unit: $0, q: nil, page: 1) }
            Element("form") {
                if let at = model.at { Hidden("unit", at.id.uuidString) }
                FieldLabel(c.t("姓名或用户名", "Name or username"), for: "people-q")
                VoidElement("input").attr("type", "search").attr("name", "q").attr("id", "people-q")
                    .attr("value", model.search).attr("maxlength", "50")
                Submit(c.t("查找", "Search"))
            }.attr("method", "get").attr("action", SiteURL.people.path).attr("role", "search").class("filters")
            if !model.below.isEmpty {
                Paragraph {
                    Words(c.t("下属单位：", "Units under it: "))
                    for (i, u) in model.below.enumerated() {
                        if i > 0 { Words(" · ") }
                        Span { Anchor(u.name, .peopleOf(unit: u.id, q: nil, page: 1)) }.zh()
                    }
                }.class("muted")
            }
            PeopleTable(model.people, c)
            Pager(paging: model.paging, context: c, measure: ("个", "accounts")) {
                [at = model.at?.id, q = model.search] in
                .peopleOf(unit: at, q: q, page: $0)
            }
            H2 { Words(c.t("新增账号", "Add an account")) }
            PostForm(.people, c, class: "stack") {
                FieldLabel(c.t("用户名（登录用，字母或数字）", "Username (for signing in: letters or digits)"), for: "username")
                TextInput("username", id: "username", required: true, maxLength: 64)
                AccountFields(c, person: nil, unit: model.home, units: model.units, roleLocked: false)
                Paragraph { Submit(c.t("新增并生成密码", "Add and make a password")) }
            }
        }
    }
}

extension PersonPage {
    struct View: PageView {
        var model: Model

        func title(_ c: PageContext) -> String { model.person.displayName }
        func heading(_ c: PageContext) -> String? { nil }

        func content(_ c: PageContext) -> any Component {
            let p = model.person
            H1 { Span { Words(p.displayName) }.zh() }
            SetupLinks(c)
            Paragraph {
                Words(c.t("用户名", "Username") + " ")
                Element("code", text: p.username)
                Words(" · " + (p.disabled ? c.t("已停用", "Disabled") : c.t("正常", "Active")))
                if p.role == .leader {
                    Words(" · ")
                    Anchor(c.t("分管任务", "Portfolio"), .portfolio(leader: p.id))
                }
            }
            PostForm(.person(p.id), c, class: "stack") {
                AccountFields(c, person: p, unit: p.unit?.id, units: model.units, roleLocked: model.isViewer)
                Paragraph { Submit(c.t("保存", "Save")) }
            }
            H2 { Words(c.t("密码与状态", "Password and state")) }
            PostForm(.resetPassword(p.id), c, class: "inline") {
                Submit(c.t("重置密码", "Reset the password"))
            }
            if !model.isViewer {
                Words(" ")
                PostForm(.setDisabled(p.id, !p.disabled), c, class: "inline") {
                    Submit(p.disabled ? c.t("启用账号", "Enable the account") : c.t("停用账号", "Disable the account"))
                }
            }
            H2 { Words(c.t("记录", "History")) }
            ListTable([c.t("时间", "When"), c.t("操作", "What"), c.t("操作人", "By")]) {
                for s in model.history {
                    TR {
                        TD(Format.date(s.at, c.lang))
                        TD(c.t(s.action.chinese, s.action.english))
                        TD(s.by).zh()
                    }
                }
            }
        }
    }
}

extension PasswordIssued {
    struct View: PageView {
        var model: Model

        func title(_ c: PageContext) -> String {
            model.isNew ? c.t("账号已建立", "Account added") : c.t("密码已重置", "Password reset")
        }

        func content(_ c: PageContext) -> any Component {
            Paragraph {
                Words(model.person.displayName + " · " + c.t("用户名", "username") + " ")
                Element("code", text: model.person.username)
            }
            Paragraph {
                Words(c.t("密码：", "Password: "))
                Element("code", text: model.password).class("secret")
            }
            Paragraph {
                Words(
                    c.t(
                        "密码只显示这一次，请当面或电话告知本人，并请其登录后保管好。"
                            + (model.isNew ? "" : "原密码和所有已登录的会话都已失效。"),
                        "The password is shown this once: give it to the person directly."
                            + (model.isNew ? "" : " The old password and every session signed in with it have ended.")
                    ))
            }
            Paragraph { Anchor(c.t("返回人员与账号", "Back to people and accounts"), .people) }
        }
    }
}
