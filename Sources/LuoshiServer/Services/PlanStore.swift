import Fluent
import Foundation
import LuoshiCore
import PlanReader
import Vapor

/// Plans in the database: importing a document, reading a plan back as `luoshi-plan/1`.
enum PlanStore {
    /// Reads a document and stores it as a draft plan with its whole tree, in one transaction.
    static func importDocument(
        _ data: Data, name: String, actor: User, on store: Store, now: Date
    ) async throws -> Plan {
        let plan = try PlanReader.read(data, name: name)
        let decoded = try DocumentDecoder.decode(data)
        let owner = try await Directory.government(of: actor, on: store.db)?.id
        return try await self.store(
            plan, sourceText: decoded.text, actor: actor.username, owner: owner, on: store, now: now)
    }

    /// Makes a draft plan from a 任务分解表 alone (its areas, tasks and the targets in their words) and keeps
    /// the file, so that its assignments can be previewed and applied next. Returns the plan and the file's
    /// sha256.
    static func importBreakdown(
        _ data: Data, name: String, actor: User, on store: Store, now: Date, keepIn directory: String
    ) async throws -> (Plan, String) {
        let rows = try BreakdownFile.rows(data)
        let stem = name.split(separator: ".").dropLast().joined(separator: ".")
        let title = BreakdownSheet.title(rows) ?? (stem.isEmpty ? name : stem)
        let year =
            BreakdownSheet.year(in: title) ?? BreakdownSheet.year(in: name)
            ?? Calendar.beijing.component(.year, from: now)
        let reading: BreakdownSheet.Reading
        do {
            reading = try BreakdownSheet.read(rows, planYear: year)
        } catch {
            throw LuoshiError.invalid(
                field: "分解表",
                reason: "前十行中找不到表头（应有“任务内容”一列和牵头单位、完成时限等列）"
                    + " (no header row in the first ten rows: a 任务内容 column and one more are needed)")
        }
        guard !reading.lines.isEmpty else {
            throw LuoshiError.invalid(field: "分解表", reason: "表中没有任务行 (the sheet has no task rows)")
        }
        let sha = try BreakdownFile.stage(data, kind: BreakdownFile.kind(of: data), in: directory)
        let (doc, text) = PlanReader.read(breakdown: reading, title: title, year: year, name: name, sha256: sha)
        let owner = try await Directory.government(of: actor, on: store.db)?.id
        let plan = try await self.store(doc, sourceText: text, actor: actor.username, owner: owner, on: store, now: now)
        return (plan, sha)
    }

    /// Stores a plan of `owner`'s (the government that issued it: the importer's own; nil for the whole
    /// deployment's).
    static func store(
        _ doc: PlanDocument, sourceText: String, actor: String, owner: UUID? = nil, on store: Store, now: Date
    ) async throws -> Plan {
        let plan = Plan(
            id: UUID(), title: doc.title ?? doc.source.name, issuer: doc.issuer,
            year: doc.year ?? Calendar.beijing.component(.year, from: now), sourceName: doc.source.name,
            sourceSHA256: doc.source.sha256, sourceEncoding: doc.source.encoding, sourceText: sourceText)
        plan.$owner.id = owner
        let planID = plan.id!
        var items: [PlanItem] = []
        var bySection: [String: UUID] = [:]
        var position = 0
        func add(_ item: PlanItem) {
            item.id = UUID()
            items.append(item)
            position += 1
        }
        func walk(_ sections: [PlanSection], parent: UUID?) {
            for s in sections {
                let item = PlanItem(
                    planID: planID, parentID: parent, kind: s.level == 1 ? .area : .theme, position: position,
                    code: s.id,
                    number: s.number, title: s.title, span: s.span)
                add(item)
                bySection[s.id] = item.id
                for t in s.tasks {
                    add(
                        PlanItem(
                            planID: planID, parentID: item.id, kind: .task, position: position, code: t.id, number: nil,
                            title: t.text, span: t.span))
                }
                walk(s.sections, parent: item.id)
            }
        }
        walk(doc.sections, parent: nil)
        for t in doc.targets {
            let item = PlanItem(
                planID: planID, parentID: t.section.flatMap { bySection[$0] }, kind: .target, position: position,
                code: t.id, number: nil, title: t.text, span: t.span)
            item.headline = t.headline
            item.subject = t.subject
            item.comparator = t.comparator
            item.value = t.value
            item.valueMin = t.valueMin
            item.valueMax = t.valueMax
            item.unit = t.unit
            item.per = t.per
            // The starting point the document states (从77%提高到80%): progress counts from it.
            item.baseline = t.baseline?.value
            item.baselineYear = t.baseline?.year
            item.baselineSpanStart = t.baseline?.span?.start
            item.baselineSpanEnd = t.baseline?.span?.end
            add(item)
        }
        for p in doc.projects {
            let item = PlanItem(
                planID: planID, parentID: p.section.flatMap { bySection[$0] }, kind: .project, position: position,
                code: p.id, number: nil, title: p.name, span: p.span)
            if !p.attributes.isEmpty, let json = try? JSONEncoder().encode(p.attributes) {
                item.attributesJSON = String(decoding: json, as: UTF8.self)
            }
            add(item)
        }
        let created = items
        try await store.write(.plan(planID), actor: actor, at: now) { tx in
            try await plan.create(on: tx.db)
            // Parents first: a batch insert per level keeps the foreign keys satisfied.
            let sections = created.filter { $0.kind == .area || $0.kind == .theme }
            for item in sections { try await item.create(on: tx.db) }
            let leaves = created.filter { $0.kind != .area && $0.kind != .theme }
            for chunk in stride(from: 0, to: leaves.count, by: 200) {
                try await Array(leaves[chunk..<min(chunk + 200, leaves.count)]).create(on: tx.db)
            }
            tx.record(
                .planImport, .plan, planID,
                after: [
                    "title": plan.title, "source": plan.sourceName, "sha256": plan.sourceSHA256,
                    "items": "\(created.count)", "owner": owner?.uuidString ?? "",
                ])
        }
        return plan
    }

    /// A plan by id, from the cache while the database has not changed.
    static func find(_ id: String?, for req: Request) async throws -> Plan {
        guard let id, let uuid = UUID(uuidString: id) else { throw LuoshiError.notFound(entity: "计划", id: id ?? "") }
        let version = try await SnapshotCache.version(req)
        if let plan = await req.application.snapshots.plan(uuid, version: version) { return plan }
        let plan = try await find(id, on: req.db)
        await req.application.snapshots.store(plan: plan, version: version)
        return plan
    }

    /// A plan as `user` may see it: a draft is staff's own until it is published.
    static func find(_ id: String?, visibleTo user: User, on db: any Database) async throws -> Plan {
        let plan = try await find(id, on: db)
        guard Visibility.mayRead(plan, user) else { throw LuoshiError.notFound(entity: "计划", id: id ?? "") }
        return plan
    }

    static func find(_ id: String?, on db: any Database) async throws -> Plan {
        try await Plan.find(text: id, named: "计划", on: db)
    }

    static func findItem(_ id: String?, on db: any Database) async throws -> PlanItem {
        try await PlanItem.find(text: id, named: "事项", on: db)
    }
}

extension Model where IDValue == UUID {
    /// A record by the id a path or a form gave as text; a malformed or unknown one is "not found"
    /// under the name people call the record by.
    static func find(text id: String?, named entity: String, on db: any Database) async throws -> Self {
        guard let uuid = id.flatMap(UUID.init(uuidString:)), let found = try await find(uuid, on: db) else {
            throw LuoshiError.notFound(entity: entity, id: id ?? "")
        }
        return found
    }
}
