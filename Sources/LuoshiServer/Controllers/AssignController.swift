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
            <label>\(lang.t("挂钩领导", "Lead leader"))</label><select name="leader"><option value="">—</option>\(options(leaders, id: { $0.id }, name: { $0.displayName }, selected: nil))</select>
            <label>\(lang.t("牵头单位", "Lead unit"))</label><select name="unit"><option value="">—</option>\(options(units, id: { $0.id }, name: { $0.name }, selected: nil))</select>
            <label>\(lang.t("配合单位", "Cooperating units"))</label><select name="cooperating[]" multiple size="4">\(options(units, id: { $0.id }, name: { $0.name }, selected: nil))</select>
            <label>\(lang.t("责任人", "Responsible person"))</label><input name="person" maxlength="100">
            <label>\(lang.t("开始日期", "Start"))</label><input type="date" name="start">
            <label>\(lang.t("截止日期", "Due"))</label><input type="date" name="due">
            <label>\(lang.t("权重", "Weight"))</label><input name="weight" inputmode="decimal">
            <label>\(lang.t("报送周期", "Reporting cycle"))</label><select name="cycle">\(ReportingCycle.allCases.map { "<option value=\"\($0.rawValue)\"\($0 == .monthly ? " selected" : "")>\(h(lang.t($0.chinese, $0.rawValue)))</option>" }.joined())</select>
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
    }

    @Sendable func assign(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let form = try req.content.decode(BulkForm.self)
        let ids = (form.items ?? []).compactMap(UUID.init(uuidString:))
        guard !ids.isEmpty else { throw LuoshiError.invalid(field: "事项", reason: "请至少选择一项 (select at least one item)") }
        let change = try Assignments.Change(
            leader: form.leader, unit: form.unit, cooperating: form.cooperating, person: form.person, start: form.start,
            due: form.due, weight: form.weight, cycle: form.cycle)
        try await Assignments.apply(change, to: ids, actor: user, on: req.db, now: req.now)
        return req.redirect(to: "/assign?plan=\(form.plan)")
    }
}

/// Assigning items: validated, then written with the audit record in one transaction.
enum Assignments {
    struct Change: Encodable {
        var leader: UUID?
        var unit: UUID?
        var cooperating: [UUID]
        var person: String?
        var start: Date?
        var due: Date?
        var weight: Double?
        var cycle: ReportingCycle

        init(
            leader: String?, unit: String?, cooperating: [String]?, person: String?, start: String?, due: String?,
            weight: String?, cycle: String?
        ) throws {
            func uuid(_ s: String?, _ field: String) throws -> UUID? {
                guard let s, !s.isEmpty else { return nil }
                guard let u = UUID(uuidString: s) else { throw LuoshiError.invalid(field: field, reason: "无效的编号") }
                return u
            }
            self.leader = try uuid(leader, "挂钩领导")
            self.unit = try uuid(unit, "牵头单位")
            self.cooperating = try (cooperating ?? []).compactMap { try uuid($0, "配合单位") }
            self.person =
                person?.storable.trimmingCharacters(in: .whitespaces).isEmpty == false ? person?.storable : nil
            if let start, !start.isEmpty {
                guard let d = Format.parseDate(start) else {
                    throw LuoshiError.invalid(field: "开始日期", reason: "格式应为 2015-01-01")
                }
                self.start = d
            }
            if let due, !due.isEmpty {
                guard let d = Format.parseDate(due) else {
                    throw LuoshiError.invalid(field: "截止日期", reason: "格式应为 2015-12-31")
                }
                self.due = d
            }
            if let s = self.start, let d = self.due, s > d {
                throw LuoshiError.invalid(field: "截止日期", reason: "早于开始日期")
            }
            if let weight, !weight.isEmpty {
                guard let w = Double(weight), w >= 0, w <= 1000 else {
                    throw LuoshiError.invalid(field: "权重", reason: "应为 0 到 1000 的数字")
                }
                self.weight = w
            }
            if let cycle, !cycle.isEmpty {
                guard let c = ReportingCycle(rawValue: cycle) else {
                    throw LuoshiError.invalid(field: "报送周期", reason: "未知的周期")
                }
                self.cycle = c
            } else {
                self.cycle = .monthly
            }
        }
    }

    static func apply(_ change: Change, to ids: [UUID], actor: User, on db: any Database, now: Date) async throws {
        let items = try await PlanItem.query(on: db).filter(\.$id ~~ ids).all()
        guard items.count == ids.count else {
            throw LuoshiError.notFound(entity: "事项", id: "\(ids.count - items.count) 项")
        }
        if let u = change.unit, try await Organization.find(u, on: db) == nil {
            throw LuoshiError.notFound(entity: "单位", id: u.uuidString)
        }
        if let l = change.leader {
            guard let leader = try await User.find(l, on: db), leader.role == .leader else {
                throw LuoshiError.invalid(field: "挂钩领导", reason: "不是领导账号")
            }
        }
        try await db.write { tx in
            for item in items {
                let existing = try await Assignment.query(on: tx).filter(\.$item.$id == item.id!).first()
                let a = existing ?? Assignment(itemID: item.id!)
                let before = existing.map { Audit.snapshot(AssignmentView($0)) }
                if let l = change.leader { a.$leadLeader.id = l }
                if let u = change.unit { a.$leadUnit.id = u }
                if !change.cooperating.isEmpty {
                    a.cooperatingUnitIDs = change.cooperating.map(\.uuidString).joined(separator: ",")
                }
                if let p = change.person { a.responsiblePerson = p }
                if let s = change.start { a.startDate = s }
                if let d = change.due { a.dueDate = d }
                if let w = change.weight { a.weight = w }
                a.cycle = change.cycle
                try await a.save(on: tx)
                try await Audit.record(
                    on: tx, actor: actor.username, action: "item.assign", entity: "item", entityID: item.id!.uuidString,
                    before: before, after: Audit.snapshot(AssignmentView(a)), at: now)
            }
        }
    }
}

/// An assignment as the API and the audit log show it.
struct AssignmentView: Content {
    var leadLeader: UUID?
    var leadUnit: UUID?
    var cooperatingUnits: [UUID]
    var responsiblePerson: String?
    var startDate: Date?
    var dueDate: Date?
    var weight: Double?
    var cycle: ReportingCycle

    init(_ a: Assignment) {
        leadLeader = a.$leadLeader.id
        leadUnit = a.$leadUnit.id
        cooperatingUnits = a.cooperating
        responsiblePerson = a.responsiblePerson
        startDate = a.startDate
        dueDate = a.dueDate
        weight = a.weight
        cycle = a.cycle
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
