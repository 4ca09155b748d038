import Fluent
import Foundation
import LuoshiCore
import Vapor

/// What an edited 任务分解表 would change, row by row, before anything is changed: each row matched to its
/// item (by the hidden 编码, else by the task's words), each assignment field that differs, the names the
/// sheet gives that are no unit or leader yet (proposed, never created silently), and every cell that
/// cannot be read. Applying it is the next step.
struct BreakdownImport: Sendable {
    struct Change: Sendable, Equatable {
        var row: Int
        var item: UUID
        var code: String
        /// The column as the sheet names it, and the value before and after.
        var field: BreakdownField
        var before: String
        var after: String
    }

    struct Unmatched: Sendable, Equatable {
        var row: Int
        var content: String
    }

    var changes: [Change]
    var unmatched: [Unmatched]
    /// Names in the sheet that are no unit (or no leader) of this deployment.
    var newUnits: [String]
    var newLeaders: [String]
    var errors: [BreakdownSheet.CellError]
    var rows: Int

    static func preview(plan: Plan, rows sheet: [[String]], on db: any Database, now: Date) async throws
        -> BreakdownImport
    {
        let reading = try BreakdownSheet.read(sheet, planYear: plan.year)
        let snapshot = try await PlanSnapshot.load(plan, on: db, now: now)
        let leaves = snapshot.items.filter(PlanSnapshot.isLeaf)
        let byCode = Dictionary(leaves.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        let byTitle = Dictionary(leaves.map { ($0.title, $0) }, uniquingKeysWith: { a, _ in a })
        let units = try await Organization.query(on: db).all()
        let unitNames = Dictionary(units.map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
        let unitIDs = Dictionary(units.map { ($0.name, $0.id!) }, uniquingKeysWith: { a, _ in a })
        let leaders = try await User.query(on: db).filter(\.$role ~~ [.leader, .admin]).all()
        let leaderNames = Dictionary(leaders.map { ($0.id!, $0.displayName) }, uniquingKeysWith: { a, _ in a })
        let leaderIDs = Set(leaders.map(\.displayName))
        var changes: [Change] = []
        var unmatched: [Unmatched] = []
        var newUnits: [String] = []
        var newLeaders: [String] = []
        func propose(_ name: String, into list: inout [String], known: Bool) {
            if !known && !list.contains(name) { list.append(name) }
        }
        // The rows of areas and themes come back with their codes: they head rows, they are not tasks.
        let groupCodes = Set(snapshot.items.filter { !PlanSnapshot.isLeaf($0) }.map(\.code))
        var count = 0
        for line in reading.lines {
            if let code = line.code, groupCodes.contains(code) { continue }
            guard let item = line.code.flatMap({ byCode[$0] }) ?? byTitle[line.content] else {
                // A row with a number or an assignment is a task the plan does not hold; one with neither is a
                // heading or a note.
                let assigned =
                    line.leader != nil || line.leadUnit != nil || !line.cooperatingUnits.isEmpty || line.due != nil
                    || line.responsible != nil
                if line.number != nil || assigned {
                    count += 1
                    unmatched.append(Unmatched(row: line.row, content: line.content))
                }
                continue
            }
            count += 1
            let a = snapshot.assignments[item.id!]
            func change(_ field: BreakdownField, _ before: String, _ after: String?) {
                guard let after, after != before else { return }
                changes.append(
                    Change(row: line.row, item: item.id!, code: item.code, field: field, before: before, after: after))
            }
            if let leader = line.leader { propose(leader, into: &newLeaders, known: leaderIDs.contains(leader)) }
            change(.leader, a?.$leadLeader.id.flatMap { leaderNames[$0] } ?? "", line.leader)
            if let unit = line.leadUnit { propose(unit, into: &newUnits, known: unitIDs[unit] != nil) }
            change(.leadUnit, a?.$leadUnit.id.flatMap { unitNames[$0] } ?? "", line.leadUnit)
            for unit in line.cooperatingUnits { propose(unit, into: &newUnits, known: unitIDs[unit] != nil) }
            let cooperating = (a?.cooperating ?? []).compactMap { unitNames[$0] }
            if !line.cooperatingUnits.isEmpty && Set(line.cooperatingUnits) != Set(cooperating) {
                change(
                    .cooperatingUnits, cooperating.joined(separator: "、"), line.cooperatingUnits.joined(separator: "、"))
            }
            change(.responsible, a?.responsiblePerson ?? "", line.responsible)
            let due = a?.dueDate.map { Breakdown.iso(CivilDay($0, calendar: .beijing)) } ?? ""
            switch line.due {
            case .day(let d): change(.due, due, Breakdown.iso(d))
            case .noDate: change(.due, due, "")
            case nil: break
            }
            change(.cycle, a?.cycle.chinese ?? "", line.cycle?.chinese)
            change(.weight, a?.weight.map(Format.number(plain:)) ?? "", line.weight.map(Format.number(plain:)))
        }
        return BreakdownImport(
            changes: changes, unmatched: unmatched, newUnits: newUnits, newLeaders: newLeaders,
            errors: reading.errors, rows: count)
    }
}
