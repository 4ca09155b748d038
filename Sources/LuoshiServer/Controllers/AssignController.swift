import Fluent
import Foundation
import LuoshiCore
import Vapor

/// The assignment table: every task and target with filters, and bulk assignment.
struct AssignController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("assign", use: table)
        routes.post("assign", use: assign)
    }

    @Sendable func table(req: Request) async throws -> Response {
        _ = try req.user(.admin)
        let lang = Lang(req)
        let plans = try await Plan.query(on: req.db).sort(\.$year, .descending).all()
        guard
            let plan = try await (req.query[String.self, at: "plan"]).asyncMap({
                try await PlanStore.find($0, on: req.db)
            }) ?? plans.first
        else {
            return html(req, title: lang.t("分解任务", "Assign"), "<p>\(lang.t("还没有计划", "No plans yet"))</p>")
        }
        let snapshot = try await PlanSnapshot.load(plan, on: req.db, now: req.now)
        let units = try await Organization.query(on: req.db).sort(\.$name).all()
        let leaders = try await User.query(on: req.db).filter(\.$role == .leader).sort(\.$displayName).all()
        let area = req.query[String.self, at: "area"].flatMap(UUID.init(uuidString:))
        let unitFilter = req.query[String.self, at: "unit"].flatMap(UUID.init(uuidString:))
        let leaderFilter = req.query[String.self, at: "leader"].flatMap(UUID.init(uuidString:))
        let statusFilter = req.query[String.self, at: "status"].flatMap(ItemStatus.init(rawValue:))
        let unassignedOnly = req.query[String.self, at: "unassigned"] == "1"
        func areaOf(_ item: PlanItem) -> UUID? {
            var current: PlanItem? = item
            while let c = current, let p = c.$parent.id { current = snapshot.byID[p] }
            return current?.kind == .area ? current?.id : nil
        }
        let rows = snapshot.items.filter { i in
            guard i.kind == .task || i.kind == .target else { return false }
            let a = snapshot.assignments[i.id!]
            if let area, areaOf(i) != area { return false }
            if let unitFilter, a?.involves(unitFilter) != true {
                return false
            }
            if let leaderFilter, a?.$leadLeader.id != leaderFilter { return false }
            if let statusFilter, snapshot.status(of: i).status != statusFilter { return false }
            if unassignedOnly && a?.$leadUnit.id != nil { return false }
            return true
        }
        func options<T>(_ list: [T], id: (T) -> UUID?, name: (T) -> String, selected: UUID?) -> String {
            list.map { "<option value=\"\(id($0)!)\"\(id($0) == selected ? " selected" : "")>\(h(name($0)))</option>" }
                .joined()
        }
        let unitNames = Dictionary(uniqueKeysWithValues: units.map { ($0.id!, $0.name) })
        let leaderNames = Dictionary(uniqueKeysWithValues: leaders.map { ($0.id!, $0.displayName) })
        var body = "<h1>\(lang.t("分解任务", "Assign tasks")) · \(h(plan.title))</h1>"
        if let changed = req.query[Int.self, at: "changed"] {
            body +=
                "<p class=\"flash\" role=\"status\">\(lang.t("已更新 \(changed) 项的分解", "Assignment changed on \(changed) items"))</p>"
        }
        body += """
            <form method="get" action="/assign" class="card">
            <input type="hidden" name="plan" value="\(plan.id!)">
            <select name="area"><option value="">\(lang.t("全部领域", "All areas"))</option>\(options(snapshot.areas, id: { $0.id }, name: { $0.title }, selected: area))</select>
            <select name="unit"><option value="">\(lang.t("全部单位", "All units"))</option>\(options(units, id: { $0.id }, name: { $0.name }, selected: unitFilter))</select>
            <select name="leader"><option value="">\(lang.t("全部领导", "All leaders"))</option>\(options(leaders, id: { $0.id }, name: { $0.displayName }, selected: leaderFilter))</select>
            <select name="status"><option value="">\(lang.t("全部状态", "All statuses"))</option>\(ItemStatus.allCases.map { "<option value=\"\($0.rawValue)\"\($0 == statusFilter ? " selected" : "")>\(h(lang.t($0.chinese, $0.rawValue)))</option>" }.joined())</select>
            <label><input type="checkbox" name="unassigned" value="1"\(unassignedOnly ? " checked" : "")> \(lang.t("仅未分解", "Unassigned only"))</label>
            <button>\(lang.t("筛选", "Filter"))</button></form>
            """
        body +=
            "<form method=\"post\" action=\"/assign\">\(Layout.csrfField(req))<input type=\"hidden\" name=\"plan\" value=\"\(plan.id!)\">"
        body +=
            "<table><thead><tr><th></th><th>\(lang.t("事项", "Item"))</th><th>\(lang.t("挂钩领导", "Leader"))</th><th>\(lang.t("牵头单位", "Lead unit"))</th><th>\(lang.t("截止", "Due"))</th><th>\(lang.t("权重", "Weight"))</th><th>\(lang.t("状态", "Status"))</th></tr></thead><tbody>"
        for i in rows {
            let a = snapshot.assignments[i.id!]
            let label = i.kind == .target ? "◎ \(i.subject ?? "") \(Format.target(i))" : i.title
            body +=
                "<tr><td><input type=\"checkbox\" name=\"items[]\" value=\"\(i.id!)\" aria-label=\"选择\"></td><td><a href=\"/items/\(i.id!)\">\(h(String(label.prefix(60))))</a></td><td>\(h(a?.$leadLeader.id.flatMap { leaderNames[$0] } ?? "—"))</td><td>\(h(a?.$leadUnit.id.flatMap { unitNames[$0] } ?? "—"))</td><td>\(Format.date(a?.dueDate))</td><td class=num>\(Format.number(a?.weight))</td><td>\(Layout.statusBadge(snapshot.status(of: i).status, lang))</td></tr>"
        }
        body += "</tbody></table>"
        body += """
            <fieldset class="card stack"><legend>\(lang.t("批量分解所选事项", "Assign the selected items"))</legend>
            <p class="muted">\(lang.t("留空的项保持不变；勾选“清空”才会清除。", "Blank fields stay as they are; tick “clear” to empty one."))</p>
            <label>\(lang.t("挂钩领导", "Lead leader"))</label><select name="leader"><option value="">\(lang.t("（不变）", "(unchanged)"))</option>\(options(leaders, id: { $0.id }, name: { $0.displayName }, selected: nil))</select>
            <label>\(lang.t("牵头单位", "Lead unit"))</label><select name="unit"><option value="">\(lang.t("（不变）", "(unchanged)"))</option>\(options(units, id: { $0.id }, name: { $0.name }, selected: nil))</select>
            <label>\(lang.t("配合单位", "Cooperating units"))</label><select name="cooperating[]" multiple size="4">\(options(units, id: { $0.id }, name: { $0.name }, selected: nil))</select>
            <label>\(lang.t("责任人", "Responsible person"))</label><input name="person" maxlength="100">
            <label>\(lang.t("开始日期", "Start"))</label><input type="date" name="start">
            <label>\(lang.t("截止日期", "Due"))</label><input type="date" name="due">
            <label>\(lang.t("权重", "Weight"))</label><input name="weight" inputmode="decimal">
            <label>\(lang.t("报送周期", "Reporting cycle"))</label><select name="cycle"><option value="">\(lang.t("（不变；新分解的为每月）", "(unchanged; monthly when new)"))</option>\(ReportingCycle.allCases.map { "<option value=\"\($0.rawValue)\">\(h(lang.t($0.chinese, $0.rawValue)))</option>" }.joined())</select>
            <fieldset><legend>\(lang.t("清空", "Clear"))</legend>\([("leader", "挂钩领导", "lead leader"), ("unit", "牵头单位", "lead unit"), ("cooperating", "配合单位", "cooperating units"), ("person", "责任人", "responsible person"), ("start", "开始日期", "start"), ("due", "截止日期", "due date"), ("weight", "权重", "weight")].map { "<label><input type=\"checkbox\" name=\"clear[]\" value=\"\($0.0)\"> \(lang.t($0.1, $0.2))</label>" }.joined(separator: " "))</fieldset>
            <p><button>\(lang.t("分解", "Assign"))</button></p></fieldset></form>
            """
        return html(req, title: lang.t("分解任务", "Assign"), body)
    }

    struct BulkForm: Content {
        var plan: String
        var items: [String]?
        var leader: String?
        var unit: String?
        var cooperating: [String]?
        var person: String?
        var start: String?
        var due: String?
        var weight: String?
        var cycle: String?
        /// Fields to empty on every selected item ("leader", "unit", "cooperating", "person", "start",
        /// "due", "weight"): a blank field leaves the items as they are.
        var clear: [String]?
    }

    @Sendable func assign(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let form = try req.content.decode(BulkForm.self)
        let plan = try await PlanStore.find(form.plan, on: req.db)
        let ids = (form.items ?? []).compactMap(UUID.init(uuidString:))
        guard !ids.isEmpty else { throw LuoshiError.invalid(field: "事项", reason: "请至少选择一项 (select at least one item)") }
        let clear = Set(form.clear ?? [])
        func blank(_ s: String?) -> Bool { s?.trimmingCharacters(in: .whitespaces).isEmpty ?? true }
        func pick<T>(_ name: String, _ value: String?, _ parse: (String) throws -> T) throws -> FieldChange<T> {
            if clear.contains(name) {
                guard blank(value) else {
                    throw LuoshiError.invalid(field: name, reason: "不能同时填写和清空 (either a value or clear)")
                }
                return .clear
            }
            guard let value, !blank(value) else { return .keep }
            return .set(try parse(value.trimmingCharacters(in: .whitespaces)))
        }
        // A multiple select sends one value per chosen unit: none chosen is a blank field.
        let cooperating = (form.cooperating ?? []).filter { !blank($0) }
        var change = Assignments.Change()
        change.leader = try pick("leader", form.leader) { try Assignments.uuid($0, "挂钩领导") }
        change.unit = try pick("unit", form.unit) { try Assignments.uuid($0, "牵头单位") }
        change.cooperating = try pick("cooperating", cooperating.joined(separator: ",")) {
            try $0.split(separator: ",").map { try Assignments.uuid(String($0), "配合单位") }
        }
        change.person = try pick("person", form.person) { $0 }
        change.start = try pick("start", form.start) { try Assignments.date($0, "开始日期") }
        change.due = try pick("due", form.due) { try Assignments.date($0, "截止日期") }
        change.weight = try pick("weight", form.weight) { try Assignments.weight(Double($0)) }
        change.cycle = try form.cycle.flatMap { blank($0) ? nil : $0 }.map { try Assignments.cycle($0) }
        let summary = try await Assignments.apply(change, to: ids, actor: user, on: req.store, now: req.now)
        return req.redirect(to: "/assign?plan=\(plan.id!)&changed=\(summary.changed)")
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
