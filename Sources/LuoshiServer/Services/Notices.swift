import Fluent
import Foundation
import LuoshiCore
import OfficeOpenXML
import SQLKit
import Vapor

/// Supervision notices (督办单) issued and answered by people: each step validated, then written in one
/// transaction with its audit entry and its notifications.
enum Notices {
    struct Issue: Content, SchemaConstraints {
        static let constraints: [String: [(String, JSONValue)]] = [
            "reason": text(max: 2000), "requiredAction": text(max: 2000),
            "respondBy": [("format", "date"), ("example", "2015-07-05")],
        ]
        var item: UUID
        /// The unit addressed; the item's lead unit when not given.
        var unit: UUID?
        var level: NoticeLevel
        var reason: String
        var requiredAction: String
        /// 2015-07-05; the plan's response days for the level when not given.
        var respondBy: String?
    }

    static func rules(for planID: UUID, on db: any Database) async throws -> SupervisionRules {
        try await PlanSupervision.query(on: db).filter(\.$plan.$id == planID).first()?.rules ?? .standard
    }

    static func issue(_ input: Issue, by user: User, on store: Store, now: Date) async throws -> SupervisionNotice {
        let db = store.db
        guard user.role == .admin else { throw LuoshiError.forbidden(reason: "只有督查办可以发督办单 (only staff issue notices)") }
        guard let item = try await PlanItem.find(input.item, on: db) else {
            throw LuoshiError.notFound(entity: "事项", id: input.item.uuidString)
        }
        let assignment = try await Assignment.query(on: db).filter(\.$item.$id == input.item).first()
        guard let unit = input.unit ?? assignment?.$leadUnit.id else {
            throw LuoshiError.invalid(field: "责任单位", reason: "该事项尚未分解到单位，请指定单位")
        }
        guard let org = try await Organization.find(unit, on: db) else {
            throw LuoshiError.notFound(entity: "单位", id: unit.uuidString)
        }
        let reach = try await Jurisdiction.of(user, on: db)
        try await reach.require("itemID", input.item, entity: "事项", on: db)
        try await reach.require("unitID", unit, entity: "单位", on: db)
        let plan = try await PlanStore.find(item.$plan.id.uuidString, on: db)
        try await Jurisdiction.serving(plan, on: db).require("unitID", unit, entity: "单位", on: db)
        let reason = input.reason.storable.trimmingCharacters(in: .whitespacesAndNewlines)
        let action = input.requiredAction.storable.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty, reason.count <= 2000 else {
            throw LuoshiError.invalid(field: "督办事由", reason: "不能为空，且不超过 2000 字")
        }
        guard !action.isEmpty, action.count <= 2000 else {
            throw LuoshiError.invalid(field: "办理要求", reason: "不能为空，且不超过 2000 字")
        }
        let today = CivilDay(now, calendar: .beijing)
        let rules = try await rules(for: item.$plan.id, on: db)
        var respondBy = SupervisionRulesEngine.respondBy(issued: today, level: input.level, rules: rules)
        if let text = input.respondBy?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            guard let day = CivilDay(text), day >= today, day <= today.adding(days: 366) else {
                throw LuoshiError.invalid(field: "反馈期限", reason: "应为今天到一年内的日期，如 2015-07-05")
            }
            respondBy = day
        }
        let deadline = respondBy
        let reporters = try await User.reporters(of: [unit], on: db)
        return try await store.write(.plan(item.$plan.id), actor: user.username, at: now) { tx in
            // The plan's status and the item, as they are at the moment of writing.
            guard let current = try await Plan.find(item.$plan.id, on: tx.db), current.status == .published else {
                throw LuoshiError.conflict(reason: "只能对已发布计划的事项发督办单 (the plan is not published)")
            }
            _ = try await PlanEdits.live(item.id!, on: tx.db)
            var outbox = try await Outbox.load(on: tx.db)
            let notice = SupervisionNotice()
            notice.id = UUID()
            notice.$plan.id = item.$plan.id
            notice.$item.id = item.id!
            notice.$unit.id = unit
            notice.year = today.year
            // Numbered by the government the plan belongs to at this moment.
            notice.$government.id = current.$owner.id
            notice.serial = try await Supervisor.nextSerial(year: today.year, government: current.$owner.id, on: tx.db)
            notice.level = input.level
            notice.reason = reason
            notice.requiredAction = action
            notice.respondBy = deadline.start(in: .beijing)
            notice.state = .issued
            notice.escalation = 0
            notice.triggerKey = nil
            notice.$issuedBy.id = user.id
            notice.issuedAt = now
            try await notice.create(on: tx.db)
            tx.record(.noticeIssue, .notice, notice.id!, after: NoticeRecord(notice))
            outbox.add(
                Supervisor.noticeMessage(notice, itemTitle: item.title, unitName: org.name), users: reporters,
                units: [unit])
            try await outbox.flush(on: tx.db, now: now)
            return notice
        }
    }

    /// Whether the user answers for the notice's unit.
    static func isUnit(_ user: User, of notice: SupervisionNotice) -> Bool {
        user.role == .reporter && user.$organization.id == notice.$unit.id
    }

    static func find(_ id: String?, for user: User, on db: any Database) async throws -> SupervisionNotice {
        guard let id, let uuid = UUID(uuidString: id),
            let notice = try await SupervisionNotice.query(on: db).filter(\.$id == uuid).with(\.$item).with(\.$unit)
                .first()
        else { throw LuoshiError.notFound(entity: "督办单", id: id ?? "") }
        guard Visibility.mayRead(notice, user) else {
            throw LuoshiError.forbidden(reason: "该督办单不是发给本单位的 (not your unit's notice)")
        }
        return notice
    }

    /// Sign for, respond to, close or send back a notice.
    static func act(
        _ action: NoticeAction, on id: String?, text: String?, evidence: [EvidenceStore.Checked] = [],
        evidenceDirectory: String = "", by user: User, on store: Store, now: Date
    ) async throws -> SupervisionNotice {
        let db = store.db
        let notice = try await find(id, for: user, on: db)
        switch action {
        case .sign, .respond:
            guard isUnit(user, of: notice) else {
                throw LuoshiError.forbidden(reason: "只有被督办单位的填报人可以\(action.chinese) (only the unit's reporter)")
            }
        case .close, .sendBack:
            guard user.role == .admin else {
                throw LuoshiError.forbidden(reason: "只有督查办可以\(action.chinese) (only staff)")
            }
        }
        let words = text?.storable.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if (action == .respond || action == .sendBack) && words.isEmpty {
            throw LuoshiError.invalid(field: action == .respond ? "办理情况" : "退回理由", reason: "不能为空")
        }
        guard words.count <= 10_000 else { throw LuoshiError.invalid(field: "内容", reason: "超过 10000 字") }
        let before = notice.state
        let after: NoticeState
        switch action.apply(to: before) {
        case .success(let s): after = s
        case .failure(let e): throw e
        }
        if !evidence.isEmpty && action != .respond {
            throw LuoshiError.invalid(field: "证明材料", reason: "只有反馈时可以附证明材料")
        }
        // The office of the plan's own government hears of its notices, not every town's.
        let plan = try await PlanStore.find(notice.$plan.id.uuidString, on: db)
        let staff = try await Jurisdiction.serving(plan, on: db).people([.admin], on: db).filter(\.$disabledAt == nil)
            .all().compactMap(\.id)
        let reporters = try await User.reporters(of: [notice.$unit.id], on: db)
        // Files first, outside the transaction; removed again if it fails.
        let written = try EvidenceStore.write(evidence, to: evidenceDirectory)
        do {
            return try await record(
                action, notice: notice, before: before, after: after, words: words, evidence: evidence, user: user,
                staff: staff, reporters: reporters, on: store, now: now)
        } catch {
            for p in written { try? FileManager.default.removeItem(atPath: p) }
            throw error
        }
    }

    private static func record(
        _ action: NoticeAction, notice: SupervisionNotice, before: NoticeState, after: NoticeState, words: String,
        evidence: [EvidenceStore.Checked], user: User, staff: [UUID], reporters: [UUID], on store: Store, now: Date
    ) async throws -> SupervisionNotice {
        let rules = try await rules(for: notice.$plan.id, on: store.db)
        return try await store.write(.plan(notice.$plan.id), actor: user.username, at: now) { tx in
            // Read again under the write lock: two people acting at once must not both succeed.
            guard let current = try await SupervisionNotice.find(notice.id, on: tx.db), current.state == before else {
                throw LuoshiError.conflict(reason: "督办单已被他人处理，请刷新 (the notice changed: reload)")
            }
            current.state = after
            switch action {
            case .sign:
                current.$signedBy.id = user.id
                current.signedAt = now
            case .respond:
                if current.signedAt == nil {
                    current.$signedBy.id = user.id
                    current.signedAt = now
                }
                current.response = words
                current.$respondedBy.id = user.id
                current.respondedAt = now
                current.returnReason = nil
            case .sendBack:
                current.returnReason = words
                // A fresh deadline for the new response, as long as the level allows.
                current.respondBy = SupervisionRulesEngine.respondBy(
                    issued: CivilDay(now, calendar: .beijing), level: current.level, rules: rules
                ).start(in: .beijing)
            case .close:
                current.closedAt = now
                current.closingNote = words.isEmpty ? nil : words
            }
            try await current.save(on: tx.db)
            for e in evidence {
                let file = NoticeEvidence()
                file.id = e.id
                file.$notice.id = current.id!
                file.filename = e.filename
                file.contentType = e.contentType
                file.size = e.size
                file.sha256 = e.sha256
                file.uploadedAt = now
                try await file.create(on: tx.db)
            }
            var recorded = ["state": after.rawValue, "text": words]
            if !evidence.isEmpty {
                recorded["evidence"] = evidence.map { "\($0.filename) sha256:\($0.sha256)" }.joined(separator: "; ")
            }
            tx.record(action.auditAction, .notice, current.id!, before: ["state": before.rawValue], after: recorded)
            var outbox = try await Outbox.load(on: tx.db)
            let title = "\(notice.number)（\(notice.item.title.prefix(24))）"
            switch action {
            case .sign:
                break
            case .respond:
                outbox.add(
                    OutboxMessage(
                        kind: .noticeUpdate, title: "【督办反馈】\(title)",
                        body: "\(notice.unit.name)已反馈：\(words.prefix(200))",
                        link: "/notices/\(notice.id!)"), users: staff)
            case .sendBack, .close:
                outbox.add(
                    OutboxMessage(
                        kind: .noticeUpdate, title: action == .close ? "【督办办结】\(title)" : "【督办退回】\(title)",
                        body: action == .close ? "督办单已办结。\(words)" : "反馈被退回：\(words)", link: "/notices/\(notice.id!)"),
                    users: reporters, units: [notice.$unit.id])
            }
            try await outbox.flush(on: tx.db, now: now)
            current.$item.value = notice.item
            current.$unit.value = notice.unit
            return current
        }
    }

    /// The items a notice may be issued on, for staff choosing one: work items of published plans,
    /// those most behind first (overdue, behind, at risk …), narrowed to titles containing `query`.
    static func candidates(
        matching query: String, for user: User, on db: any Database, now: Date,
        snapshot: ((Plan) async throws -> PlanSnapshot)? = nil
    ) async throws -> NoticeNew.Choice {
        let plans = try await Jurisdiction.of(user, on: db).plans(on: db).filter(\.$status == .published)
            .sort(\.$year, .descending).all()
        let words = query.trimmingCharacters(in: .whitespaces)
        var found: [NoticeNew.Choice.Candidate] = []
        var unitNames: [UUID: String] = [:]
        for plan in plans where Visibility.mayRead(plan, user) {
            let s: PlanSnapshot
            if let snapshot {
                s = try await snapshot(plan)
            } else {
                s = try await PlanSnapshot.load(plan, on: db, now: now)
            }
            let leads = Set(s.assignments.values.compactMap(\.$leadUnit.id)).subtracting(unitNames.keys)
            for unit in try await Organization.query(on: db).filter(\.$id ~~ leads).all() {
                unitNames[unit.id!] = unit.name
            }
            for item in s.items where PlanSnapshot.isLeaf(item) && (words.isEmpty || item.title.contains(words)) {
                found.append(
                    .init(
                        id: item.id!, title: item.title, plan: plan.title,
                        unit: s.assignments[item.id!]?.$leadUnit.id.flatMap { unitNames[$0] },
                        status: s.status(of: item).status))
            }
        }
        // Most behind first; within a status, in the plan's order.
        let ordered = found.enumerated().sorted {
            $0.element.status != $1.element.status ? $0.element.status > $1.element.status : $0.offset < $1.offset
        }.map(\.element)
        return .init(query: words, candidates: Array(ordered.prefix(100)), matched: ordered.count)
    }

    /// Notices a user may see, newest first.
    /// One page of the notices a person may read (a unit: its own), newest first.
    static func list(
        for user: User, open: Bool?, level: NoticeLevel?, item: UUID? = nil, unit: UUID? = nil,
        overdueAt: Date? = nil, text: String? = nil, page: Int? = nil, perPage: Int = Paging.perPage,
        on db: any Database
    ) async throws -> (notices: [SupervisionNotice], page: Paging) {
        let q = SupervisionNotice.query(on: db)
        if let plans = try await Jurisdiction.of(user, on: db).planIDs(on: db) { q.filter(\.$plan.$id ~~ plans) }
        if user.role == .reporter {
            guard let unit = user.$organization.id else { return ([], Paging(requested: 1, total: 0)) }
            q.filter(\.$unit.$id == unit)
        }
        if let open { q.filter(\.$state, open ? .notEqual : .equal, .closed) }
        if let level { q.filter(\.$level == level) }
        if let item { q.filter(\.$item.$id == item) }
        // A unit means it and every unit under it: a county's office choosing a town sees the town's notices.
        if let unit {
            guard let path = try await Organization.find(unit, on: db)?.path else {
                return ([], Paging(requested: 1, total: 0))
            }
            q.unit(\.$unit.$id, under: path)
        }
        // Past its deadline and not closed: whether answered or not, it is still the office's to chase.
        if let overdueAt { q.filter(\.$respondBy < overdueAt).filter(\.$state != .closed) }
        if let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            switch NoticeNumber.parse(text) {
            case .some((let year, let serial)):
                if let year { q.filter(\.$year == year) }
                q.filter(\.$serial == serial)
            case .none:
                q.join(PlanItem.self, on: \SupervisionNotice.$item.$id == \PlanItem.$id)
                    .filter(PlanItem.self, \.$title ~~ String(text.prefix(100)))
            }
        }
        let paging = Paging(requested: page, total: try await q.copy().count(), perPage: perPage)
        let notices = try await q.with(\.$item).with(\.$unit).sort(\.$issuedAt, .descending)
            .sort(\.$serial, .descending).range(paging.rows).all()
        return (notices, paging)
    }

    /// The notice's steps as the audit log holds them, oldest first.
    static func history(of notice: SupervisionNotice, on db: any Database) async throws -> [AuditEntry] {
        try await AuditEntry.query(on: db).filter(\.$entity == "notice").filter(\.$entityID == notice.id!.uuidString)
            .sort(\.$sequence).all()
    }
}

extension Notices {
    static func deadlineSentence(_ n: SupervisionNotice) -> String {
        "请于\(Format.date(n.respondBy))前签收办理并书面反馈办理情况，逾期未反馈的，报挂钩领导、主要领导督促。"
    }

    /// The notice as a one-page official paper.
    static func docx(_ n: SupervisionNotice, issuer: String) throws -> Data {
        typealias D = FormattedDocument
        var blocks: [D.Block] = [
            .paragraph(
                [D.Run("\(issuer)督查督办通知单", bold: true, size: 26, colour: "C00000", font: "方正小标宋简体")], align: .center),
            .paragraph([D.Run(n.number, size: 16)], align: .center, spaceAfter: 120),
            .rule(colour: "C00000"),
            .paragraph([D.Run("\(n.unit.name)：", size: 16)], align: .left, spaceAfter: 120),
            .paragraph(
                [D.Run("现将「\(n.item.title)」列入\(n.level.chinese)督办。")], firstLineIndent: true),
            .paragraph([D.Run("督办事由：", bold: true), D.Run(n.reason)], firstLineIndent: true),
            .paragraph([D.Run("办理要求：", bold: true), D.Run(n.requiredAction)], firstLineIndent: true),
            .paragraph(
                [
                    D.Run("反馈期限：", bold: true),
                    D.Run(deadlineSentence(n)),
                ],
                firstLineIndent: true, spaceAfter: 240),
        ]
        if let response = n.response {
            blocks.append(.paragraph([D.Run("办理情况：", bold: true), D.Run(response)], firstLineIndent: true))
        }
        blocks += [
            .table(
                rows: [
                    ["督办等级", "状态", "签收", "反馈"],
                    [
                        n.level.chinese, n.state.chinese, n.signedAt.map(Format.date) ?? "未签收",
                        n.respondedAt.map(Format.date) ?? "未反馈",
                    ],
                ], widths: [2200, 2200, 2200, 2200], size: 12),
            .paragraph([D.Run("\(issuer)督查办", size: 16)], align: .right),
            .paragraph([D.Run(Format.date(n.issuedAt), size: 16)], align: .right),
        ]
        return try FormattedDocument.docx(blocks)
    }
}

extension NoticeAction {
    /// The audit log's word for the step.
    var auditAction: AuditAction {
        switch self {
        case .sign: .noticeSign
        case .respond: .noticeRespond
        case .close: .noticeClose
        case .sendBack: .noticeSendBack
        }
    }
}

extension NoticeList.Row {
    /// A notice as every list shows it (its item and unit loaded).
    init(_ n: SupervisionNotice) {
        self.init(
            id: n.id!, number: n.number, level: n.level, item: n.$item.id, itemTitle: n.item.title, unit: n.unit.name,
            state: n.state, escalation: n.escalation, respondBy: n.respondBy, automatic: n.triggerKey != nil)
    }
}
