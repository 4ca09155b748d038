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
        let plans = try await Jurisdiction.of(req).plans(on: req.db).sort(\.$year, .descending)
            .sort(\.$createdAt, .descending).all()
        // The plan asked for, else the newest published one (a draft is still being reviewed), else the newest.
        let asked = req.query[String.self, at: "plan"].flatMap(UUID.init(uuidString:))
        let lang = Lang(req)
        let choices = plans.map { p in (id: p.id!, name: "\(p.title)（\(lang.name(p.status))）") }
        guard
            let plan = plans.first(where: { $0.id == asked }) ?? plans.first(where: { $0.status == .published })
                ?? plans.first
        else {
            return req.render(
                AssignTable.View(
                    model: .init(
                        plan: nil, plans: [], areas: [], units: [], leaders: [], filters: .init(), rows: [],
                        changed: nil)))
        }
        let (snapshot, _) = try await PlanSnapshot.load(plan, for: req)
        // The plan is carried out by its own government's units and leaders (a county's office looking at a
        // town's plan picks among the town's).
        var filters = AssignTable.Filters()
        filters.area = req.query[String.self, at: "area"].flatMap(UUID.init(uuidString:))
        filters.unit = req.query[String.self, at: "unit"].flatMap(UUID.init(uuidString:))
        filters.leader = req.query[String.self, at: "leader"].flatMap(UUID.init(uuidString:))
        // The units and leaders its items name, and the ones the filter holds, stay in the pickers.
        let named = Set(snapshot.assignments.values.flatMap { [$0.$leadUnit.id].compactMap { $0 } + $0.cooperating })
        let planUnits = try await DirectoryController.planUnits(
            req, serving: plan, naming: named.union([filters.unit].compactMap { $0 }))
        let unitLabels = planUnits.labels
        let units = planUnits.offered
        let namedLeaders = Set(snapshot.assignments.values.compactMap { $0.$leadLeader.id })
        let leaders = try await DirectoryController.planLeaders(
            req, serving: plan, naming: namedLeaders.union([filters.leader].compactMap { $0 })
        ).sort(\.$displayName).all()
        filters.status = req.query[String.self, at: "status"].flatMap(ItemStatus.init(rawValue:))
        filters.unassignedOnly = req.query[String.self, at: "unassigned"] == "1"
        filters.selectAll = req.query[String.self, at: "all"] == "1"
        func areaOf(_ item: PlanItem) -> UUID? {
            var current: PlanItem? = item
            while let c = current, let p = c.$parent.id { current = snapshot.byID[p] }
            return current?.kind == .area ? current?.id : nil
        }
        let items = snapshot.items.filter { i in
            guard i.kind == .task || i.kind == .target else { return false }
            let a = snapshot.assignments[i.id!]
            if let area = filters.area, areaOf(i) != area { return false }
            if let unit = filters.unit, a?.involves(unit) != true { return false }
            if let leader = filters.leader, a?.$leadLeader.id != leader { return false }
            if let status = filters.status, snapshot.status(of: i).status != status { return false }
            if filters.unassignedOnly && a?.$leadUnit.id != nil { return false }
            return true
        }
        let leaderNames = Dictionary(uniqueKeysWithValues: leaders.map { ($0.id!, $0.displayName) })
        let rows = items.map { i in
            let a = snapshot.assignments[i.id!]
            return AssignTable.Row(
                item: i.id!, label: i.kind == .target ? "◎ \(i.subject ?? "") \(Format.target(i))" : i.title,
                leader: a?.$leadLeader.id.flatMap { leaderNames[$0] }, unit: a?.$leadUnit.id.flatMap { unitLabels[$0] },
                dueDate: a?.dueDate, weight: a?.weight, status: snapshot.status(of: i).status)
        }
        var model = AssignTable.Model(
            plan: (plan.id!, plan.title), plans: choices, areas: snapshot.areas.map { ($0.id!, $0.title) },
            units: units, leaders: leaders.map { ($0.id!, $0.displayName) }, filters: filters,
            rows: rows, changed: req.query[Int.self, at: "changed"])
        model.filterUnits = units
        // Only a unit the plan's own rows name: an id typed into the address shows no name from elsewhere.
        if let unit = filters.unit, named.contains(unit), !units.contains(where: { $0.id == unit }),
            let label = unitLabels[unit]
        {
            model.filterUnits = (units + [(id: unit, name: label)]).sorted { $0.name < $1.name }
        }
        return req.render(AssignTable.View(model: model))
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
        /// The table's filters when the form was sent, to come back to them.
        var filterArea: String?
        var filterUnit: String?
        var filterLeader: String?
        var filterStatus: String?
        var filterUnassigned: String?

        var filters: SiteURL.AssignFilters {
            SiteURL.AssignFilters(
                area: filterArea.flatMap(UUID.init(uuidString:)), unit: filterUnit.flatMap(UUID.init(uuidString:)),
                leader: filterLeader.flatMap(UUID.init(uuidString:)),
                status: filterStatus.flatMap(ItemStatus.init(rawValue:))?.rawValue,
                unassignedOnly: filterUnassigned == "1")
        }
    }

    @Sendable func assign(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let form = try req.content.decode(BulkForm.self)
        try await req.requireReach("planID", form.plan)
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
        return req.redirect(to: .assign(plan: plan.id!, changed: summary.changed, filters: form.filters))
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
