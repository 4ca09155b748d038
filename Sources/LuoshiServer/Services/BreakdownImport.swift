import Fluent
import Foundation
import LuoshiCore
import Vapor

/// What an edited 任务分解表 would change, row by row, before anything is changed: each row matched to its
/// item (by the hidden 编码, else by the task's words, else by nearly its words and its 序号), each
/// assignment field that differs from what an export shows, the rows that are no item of the plan (new
/// tasks, added only when staff say so), the names the sheet gives that are no unit or leader yet
/// (proposed, never created silently), and every cell that cannot be read. `apply` writes it, all or
/// nothing, as one audited change naming the file's sha256.
struct BreakdownImport: Sendable {
    struct Change: Sendable, Equatable {
        var row: Int
        var item: UUID
        var title: String
        var field: BreakdownField
        var before: String
        var after: String
        var rule: BreakdownSheet.MatchRule
    }

    /// A row that stands for no item of the plan: a task to add, under the area the row names.
    struct NewItem: Sendable, Equatable {
        var row: Int
        var content: String
        var area: String?
    }

    /// A row left out, and why (a second row for the same item).
    struct Skipped: Sendable, Equatable {
        var row: Int
        var content: String
        var reason: String
    }

    var changes: [Change]
    var newItems: [NewItem]
    var skipped: [Skipped]
    /// Names in the sheet that are no unit (or no leader) of this deployment.
    var newUnits: [String]
    var newLeaders: [String]
    var errors: [BreakdownSheet.CellError]
    /// Task rows read (matched or not).
    var rows: Int
    /// What the preview showed, as a fingerprint: applying checks that nothing moved since.
    var digest: String
    /// Each matched row's item and line, for `apply`.
    fileprivate var matched: [UUID: BreakdownSheet.Line] = [:]
    fileprivate var lines: [Int: BreakdownSheet.Line] = [:]

    var isEmpty: Bool { changes.isEmpty && newItems.isEmpty }

    static func preview(plan: Plan, rows sheet: [[String]], on db: any Database, now: Date) async throws
        -> BreakdownImport
    {
        let reading: BreakdownSheet.Reading
        do {
            reading = try BreakdownSheet.read(sheet, planYear: plan.year)
        } catch BreakdownSheet.Failure.noHeader {
            throw LuoshiError.invalid(
                field: "分解表",
                reason: "前十行中找不到表头（应有“任务内容”一列和牵头单位、完成时限等列）"
                    + " (no header row in the first ten rows: a 任务内容 column and one more are needed)")
        }
        // What an export of the plan shows now: the sheet is compared with that, column by column.
        let planID = try plan.requireID()
        let items = try await PlanRows.liveItems(plan: planID, on: db)
        let assignments = try await PlanRows.assignments(plan: planID, on: db)
        let snapshot = PlanSnapshot.compute(plan: plan, items: items, assignments: assignments, accepted: [], now: now)
        // Names are matched within the plan's own government: another town's 党政办 or 镇长 is not this one's.
        let reach = try await Jurisdiction.serving(plan, on: db)
        let units = try await reach.units(on: db).all()
        let leaders = try await reach.people([.leader], on: db).all()
        let unitNames = UnitNames(units)
        let knownLeaders = Set(leaders.map(\.displayName))
        let exported = Breakdown.lines(
            snapshot, units: unitNames.labels,
            leaders: Dictionary(leaders.map { ($0.id!, $0.displayName) }, uniquingKeysWith: { a, _ in a }),
            notices: [:], filter: .init()
        ).filter { !$0.group }
        let byCode = Dictionary(items.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        // The rows of areas and themes come back with their codes: they head rows, they are not tasks.
        let groupCodes = Set(items.filter { !PlanSnapshot.isLeaf($0) }.map(\.code))
        let lines = reading.lines.filter { line in line.code.map { !groupCodes.contains($0) } ?? true }
        let matches = BreakdownSheet.match(
            lines, to: exported.map { .init(code: $0.code, title: $0.content, serial: $0.number) })

        var result = BreakdownImport(
            changes: [], newItems: [], skipped: [], newUnits: [], newLeaders: [], errors: reading.errors, rows: 0,
            digest: "")
        func propose(_ name: String, unit: Bool, row: Int) {
            if unit {
                switch unitNames.reading(name) {
                case .unit: break
                case .unknown where name.contains(UnitNames.separator):
                    // A name written with a town's that matches no unit is a mistake, not a unit to make.
                    result.errors.append(
                        .init(
                            row: row, column: "责任单位", value: name, problem: "找不到这个单位 (no such unit)"))
                case .unknown: if !result.newUnits.contains(name) { result.newUnits.append(name) }
                case .ambiguous(let labels):
                    result.errors.append(
                        .init(
                            row: row, column: "责任单位", value: name,
                            problem:
                                "有 \(labels.count) 个单位同名，请写作\(labels.map { "「\($0)」" }.joined(separator: "或")) (several units have this name: write it with its town\'s)"
                        ))
                }
            }
            if !unit, !knownLeaders.contains(name), !result.newLeaders.contains(name) { result.newLeaders.append(name) }
        }
        for (line, match) in zip(lines, matches) {
            result.lines[line.row] = line
            switch match {
            case .none:
                // A row with a number or an assignment is a task the plan does not hold; one with neither is a
                // heading or a note.
                let assigned =
                    line.leader != nil || line.leadUnit != nil || !line.cooperatingUnits.isEmpty || line.due != nil
                    || line.responsible != nil
                guard line.number != nil || assigned else { continue }
                result.rows += 1
                if line.content.count > 2000 {
                    result.errors.append(
                        .init(
                            row: line.row, column: "任务内容", value: String(line.content.prefix(20)) + "…",
                            problem: "超过 2000 字 (more than 2,000 characters)"))
                }
                result.newItems.append(NewItem(row: line.row, content: line.content, area: line.area))
                line.leader.map { propose($0, unit: false, row: line.row) }
                line.leadUnit.map { propose($0, unit: true, row: line.row) }
                for u in line.cooperatingUnits { propose(u, unit: true, row: line.row) }
            case .duplicate(let row):
                result.rows += 1
                result.skipped.append(
                    Skipped(
                        row: line.row, content: line.content,
                        reason: "与第\(row)行是同一事项，未采用 (the same item as row \(row); left out)"
                    ))
            case .item(let index, let rule):
                result.rows += 1
                let now = exported[index]
                guard let item = byCode[now.code] else { continue }
                result.matched[item.id!] = line
                func change(_ field: BreakdownField, _ before: String, _ after: String?) {
                    guard let after, after != before else { return }
                    result.changes.append(
                        Change(
                            row: line.row, item: item.id!, title: item.title, field: field, before: before,
                            after: after,
                            rule: rule))
                }
                if let leader = line.leader { propose(leader, unit: false, row: line.row) }
                change(.leader, now.leader, line.leader)
                if let unit = line.leadUnit { propose(unit, unit: true, row: line.row) }
                change(.leadUnit, now.leadUnit, line.leadUnit)
                for unit in line.cooperatingUnits { propose(unit, unit: true, row: line.row) }
                let cooperating = now.cooperating.split(separator: "、").map(String.init)
                if !line.cooperatingUnits.isEmpty && Set(line.cooperatingUnits) != Set(cooperating) {
                    change(.cooperatingUnits, now.cooperating, line.cooperatingUnits.joined(separator: "、"))
                }
                if let person = line.responsible, person.count > 100 {
                    result.errors.append(
                        .init(
                            row: line.row, column: "责任人", value: String(person.prefix(20)) + "…",
                            problem: "超过 100 字 (more than 100 characters)"))
                } else {
                    change(.responsible, now.responsible, line.responsible)
                }
                let due = now.due.map(Breakdown.iso) ?? ""
                switch line.due {
                case .day(let d):
                    if let start = snapshot.assignments[item.id!]?.startDate.map({ CivilDay($0, calendar: .beijing) }),
                        d < start
                    {
                        result.errors.append(
                            .init(
                                row: line.row, column: "完成时限", value: Breakdown.iso(d),
                                problem: "早于开始日期 \(Breakdown.iso(start)) (before the start date)"))
                    } else {
                        change(.due, due, Breakdown.iso(d))
                    }
                case .noDate: change(.due, due, "")
                case nil: break
                }
                change(.cycle, now.cycle, line.cycle?.chinese)
                change(.weight, now.weight.map(Format.number(plain:)) ?? "", line.weight.map(Format.number(plain:)))
            }
        }
        result.errors.sort { ($0.row, $0.column) < ($1.row, $1.column) }
        var print = ""
        for c in result.changes { print += "\(c.row)|\(c.item)|\(c.field.rawValue)|\(c.before)|\(c.after)\n" }
        for n in result.newItems { print += "+\(n.row)|\(n.content)|\(n.area ?? "")\n" }
        for u in result.newUnits { print += "u|\(u)\n" }
        for e in result.errors { print += "e|\(e)\n" }
        result.digest = Fingerprint.sha256Hex(Array(print.utf8))
        return result
    }

    /// What applying wrote.
    struct Applied: Sendable, Equatable {
        var assigned: Int
        var added: Int
        var unitsCreated: [String]
        /// Field changes left out: a leader with no account, a unit staff chose not to create.
        var held: Int
    }

    /// The sheet as uploaded: the audit entry names its file and fingerprint.
    struct Source: Sendable {
        var name: String
        var sha256: String
        var rows: [[String]]
    }

    /// Writes the preview, all or nothing, in one transaction: the preview is made again inside it and
    /// must be the one staff saw (`expected`), with no unreadable cell. Units named in `createUnits` are
    /// created under the actor's government; new rows become tasks when `addItems` is set. Every change
    /// is audited, and one entry for the whole import names the file and its sha256.
    static func apply(
        plan planID: UUID, source: Source, expected: String, createUnits: Set<String>, addItems: Bool,
        actor: User, on store: Store, now: Date
    ) async throws -> Applied {
        try await store.write(.plan(planID), actor: actor.username, at: now) { tx in
            guard let plan = try await Plan.find(planID, on: tx.db) else {
                throw LuoshiError.notFound(entity: "计划", id: planID.uuidString)
            }
            guard plan.status != .closed else {
                throw LuoshiError.conflict(reason: "计划已结束，不能再导入分解表 (the plan is closed)")
            }
            let p = try await preview(plan: plan, rows: source.rows, on: tx.db, now: now)
            guard p.digest == expected else {
                throw LuoshiError.conflict(
                    reason: "预览之后计划或账号已有变化，请重新预览 (the plan changed after the preview; preview the sheet again)")
            }
            guard p.errors.isEmpty else {
                throw LuoshiError.invalid(
                    field: "分解表",
                    reason:
                        "表中有 \(p.errors.count) 处无法读取，改正后重新上传；未作任何修改 (\(p.errors.count) cells cannot be read; nothing was changed)"
                )
            }
            var applied = Applied(assigned: 0, added: 0, unitsCreated: [], held: 0)
            // New units belong to the plan's own government (else the importer's).
            var government = try await plan.$owner.id.asyncMap { try await Organization.find($0, on: tx.db) } ?? nil
            if government == nil { government = try await Directory.government(of: actor, on: tx.db) }
            for name in p.newUnits where createUnits.contains(name) {
                guard name.count <= 100 else {
                    throw LuoshiError.invalid(field: "单位", reason: "「\(name.prefix(20))…」超过 100 字 (too long)")
                }
                let unit = Organization(id: UUID(), name: name, kind: Self.kind(of: name), parent: government)
                try await unit.create(on: tx.db)
                tx.record(.unitAdd, .unit, unit.id!, after: UnitRecord(unit))
                applied.unitsCreated.append(name)
            }
            let reach = try await Jurisdiction.serving(plan, on: tx.db)
            let units = try await reach.units(on: tx.db).all()
            let unitNames = UnitNames(units)
            let leaders = try await reach.people([.leader], on: tx.db).filter(\.$disabledAt == nil).all()
            let leaderIDs = Dictionary(leaders.map { ($0.displayName, $0.id!) }, uniquingKeysWith: { a, _ in a })

            /// Sets the fields the sheet changes on an assignment; a field naming someone unknown is held.
            func set(_ fields: [BreakdownField], from line: BreakdownSheet.Line, on a: Assignment) {
                for field in fields {
                    switch field {
                    case .leader:
                        if let id = line.leader.flatMap({ leaderIDs[$0] }) {
                            a.$leadLeader.id = id
                        } else {
                            applied.held += 1
                        }
                    case .leadUnit:
                        if let id = line.leadUnit.flatMap({ unitNames.unit(named: $0) }) {
                            a.$leadUnit.id = id
                        } else {
                            applied.held += 1
                        }
                    case .cooperatingUnits:
                        let ids = line.cooperatingUnits.compactMap { unitNames.unit(named: $0) }
                        if ids.count == line.cooperatingUnits.count {
                            a.cooperatingUnitIDs = ids.map(\.uuidString).joined(separator: ",")
                        } else {
                            applied.held += 1
                        }
                    case .responsible: a.responsiblePerson = line.responsible
                    case .due:
                        if case .day(let d) = line.due {
                            a.dueDate = Format.parseDate(Breakdown.iso(d))
                        } else {
                            a.dueDate = nil
                        }
                    case .cycle: if let c = line.cycle { a.cycle = c }
                    case .weight: a.weight = line.weight
                    default: break
                    }
                }
            }

            var fieldsByItem: [UUID: [BreakdownField]] = [:]
            for c in p.changes { fieldsByItem[c.item, default: []].append(c.field) }
            let ids = Array(fieldsByItem.keys)
            let existing = try await Assignment.query(on: tx.db).filter(\.$item.$id ~~ ids).all()
            let byItem = Dictionary(existing.map { ($0.$item.id, $0) }, uniquingKeysWith: { a, _ in a })
            for (id, fields) in fieldsByItem.sorted(by: { $0.key.uuidString < $1.key.uuidString }) {
                guard let line = p.matched[id] else { continue }
                let current = byItem[id]
                let a = current ?? Assignment(itemID: id)
                let before = current.map(AssignmentView.init)
                set(fields, from: line, on: a)
                let after = AssignmentView(a)
                guard before != after else { continue }
                try await a.save(on: tx.db)
                tx.record(.itemAssign, .item, id, before: before, after: after)
                applied.assigned += 1
            }

            if addItems && !p.newItems.isEmpty {
                let reason = "导入分解表 \(source.name) (sha256 \(source.sha256.prefix(12)))"
                _ = try await PlanEdits.guardEditable(planID: planID, reason: reason, on: tx.db)
                let all = try await PlanItem.query(on: tx.db).filter(\.$plan.$id == planID).all()
                var groups = Dictionary(
                    all.filter { $0.retiredAt == nil && ($0.kind == .area || $0.kind == .theme) }.map {
                        (BreakdownSheet.normalized($0.title), $0.id!)
                    }, uniquingKeysWith: { a, _ in a })
                var position = all.count
                var code = all.compactMap { $0.code.hasPrefix("n") ? Int($0.code.dropFirst()) : nil }.max() ?? 0
                // Built first, then written many rows to a statement: a sheet of 10,000 new rows is one write.
                var areas: [PlanItem] = []
                var tasks: [PlanItem] = []
                var assignments: [Assignment] = []
                func make(_ kind: ItemKind, _ title: String, parent: UUID?) -> PlanItem {
                    code += 1
                    position += 1
                    return PlanItem(
                        id: UUID(), planID: planID, parentID: parent, kind: kind, position: position - 1,
                        code: "n\(code)", number: nil, title: title.storable, span: Span(start: 0, end: 0))
                }
                for n in p.newItems {
                    guard let line = p.lines[n.row] else { continue }
                    var parent: UUID?
                    if let area = n.area {
                        let key = BreakdownSheet.normalized(area)
                        if let id = groups[key] {
                            parent = id
                        } else {
                            let made = make(.area, area, parent: nil)
                            areas.append(made)
                            parent = made.id
                            groups[key] = parent
                        }
                    }
                    let item = make(.task, n.content, parent: parent)
                    tasks.append(item)
                    let a = Assignment(itemID: item.id!)
                    a.id = UUID()
                    set(
                        [.leader, .leadUnit, .cooperatingUnits, .responsible, .due, .cycle, .weight].filter { f in
                            switch f {
                            case .leader: return line.leader != nil
                            case .leadUnit: return line.leadUnit != nil
                            case .cooperatingUnits: return !line.cooperatingUnits.isEmpty
                            case .responsible: return line.responsible != nil
                            case .due: return line.due != nil
                            case .cycle: return line.cycle != nil
                            default: return line.weight != nil
                            }
                        }, from: line, on: a)
                    assignments.append(a)
                }
                for area in areas { try await area.create(on: tx.db) }
                for chunk in tasks.chunked(200) { try await chunk.create(on: tx.db) }
                for chunk in assignments.chunked(200) { try await chunk.create(on: tx.db) }
                for item in areas + tasks {
                    tx.record(
                        .itemAdd, .item, item.id!,
                        after: PlanEdits.Change(state: PlanEdits.ItemState(item), reason: reason))
                }
                for a in assignments { tx.record(.itemAssign, .item, a.$item.id, after: AssignmentView(a)) }
                applied.added = tasks.count
            }
            guard applied.assigned + applied.added + applied.unitsCreated.count > 0 else {
                throw LuoshiError.conflict(reason: "分解表与计划一致，没有需要修改的内容 (the sheet changes nothing)")
            }
            tx.record(
                .planBreakdown, .plan, planID,
                after: [
                    "file": source.name, "sha256": source.sha256, "rows": "\(p.rows)",
                    "assigned": "\(applied.assigned)", "added": "\(applied.added)",
                    "unitsCreated": applied.unitsCreated.joined(separator: "、"), "held": "\(applied.held)",
                ])
            return applied
        }
    }

    /// A unit's kind from its name: 某某村 a village, 某某社区 a community, anything else a department.
    static func kind(of name: String) -> OrganizationKind {
        if name.hasSuffix("社区") || name.hasSuffix("居委会") { return .community }
        if name.hasSuffix("村") || name.hasSuffix("村委会") { return .village }
        return .department
    }
}
