import Fluent
import Foundation
import LuoshiCore
import NIOCore
import PlanReader
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import LuoshiServer

/// What was issued, reported, commented or decided stays; writes check what they depend on at the
/// moment they write; a bulk change changes only what it names (issue "Foundation").
extension ServerTests {
    /// An assigned task of the demo plan with no live children, its unit's reporter and the staff account.
    func workItem(_ app: Application, otherThan: UUID? = nil) async throws -> (PlanItem, User, User) {
        let admin = try #require(try await User.query(on: app.db).filter(\.$username == "duchaban").first())
        for a in try await Assignment.query(on: app.db).with(\.$item).all()
        where a.item.kind == .task && a.item.id != otherThan {
            let children = try await PlanItem.query(on: app.db).filter(\.$parent.$id == a.item.id!).count()
            guard children == 0, let unit = a.$leadUnit.id,
                let reporter = try await User.query(on: app.db).filter(\.$organization.$id == unit)
                    .filter(\.$role == .reporter).first()
            else { continue }
            return (a.item, reporter, admin)
        }
        throw TestFailure.missing("an assigned task without children")
    }

    @Test("撤销事项：督办单、节点、批示、报送都保留，编号不断 (retiring keeps notices, milestones, comments, reports)")
    func retireKeepsRecords() async throws {
        try await TestApp.with { app in
            // setup: an item with a report, a milestone, a leader's instruction and a notice.
            let (item, reporter, admin) = try await workItem(app)
            let leader = try #require(try await User.query(on: app.db).filter(\.$username == "fuzhen1").first())
            let now = app.clock.now()
            _ = try await Reports.file(
                .init(period: "2015-06", actualValue: nil, percentComplete: 30, milestone: nil, narrative: "推进中"),
                item: item, user: reporter, on: app.store, now: now)
            _ = try await Milestones.add(
                .init(name: "完成招标", plannedDate: "2015-09-30", share: "50"), to: item, actor: admin, on: app.store,
                now: now)
            try await Comments.add("请加快进度", on: item.id!, actor: leader, on: app.store, now: now)
            let notice = try await Notices.issue(
                .init(item: item.id!, level: .yellow, reason: "进度滞后", requiredAction: "说明原因"), by: admin,
                on: app.store, now: now)
            let reports = try await ProgressReport.query(on: app.db).filter(\.$item.$id == item.id!).count()
            let noticesBefore = try await SupervisionNotice.query(on: app.db).all().map(\.number).sorted()
            // MUT
            try await PlanEdits.retire(item.id!, reason: "与另一任务重复", actor: admin, on: app.store, now: now)
            // validate: the item is kept, marked, and out of the live plan; everything on it is still there.
            let kept = try #require(try await PlanItem.find(item.id, on: app.db))
            #expect(kept.retiredAt != nil)
            #expect(kept.retiredBy == "duchaban")
            #expect(kept.retiredReason == "与另一任务重复")
            #expect(try await SupervisionNotice.query(on: app.db).all().map(\.number).sorted() == noticesBefore)
            #expect(try await SupervisionNotice.find(notice.id, on: app.db)?.$item.id == item.id)
            #expect(try await Milestone.query(on: app.db).filter(\.$item.$id == item.id!).count() == 1)
            #expect(try await Comment.query(on: app.db).filter(\.$item.$id == item.id!).count() == 1)
            #expect(try await Assignment.query(on: app.db).filter(\.$item.$id == item.id!).count() == 1)
            #expect(try await ProgressReport.query(on: app.db).filter(\.$item.$id == item.id!).count() == reports)
            let plan = try #require(try await Plan.find(item.$plan.id, on: app.db))
            let snapshot = try await PlanSnapshot.load(plan, on: app.db, now: now)
            #expect(snapshot.byID[item.id!] == nil)
            let entry = try #require(
                try await AuditEntry.query(on: app.db).filter(\.$action == "item.retire").first())
            #expect(entry.entityID == item.id!.uuidString)
            #expect(entry.after?.contains("\"notices\":1") == true)
            // Nothing files on a retired item, and the database itself refuses to delete what is kept.
            await #expect(throws: LuoshiError.self) {
                _ = try await Reports.file(
                    .init(period: "2015-07", actualValue: nil, percentComplete: 40, milestone: nil, narrative: "x"),
                    item: item, user: reporter, on: app.store, now: now)
            }
            let sql = app.db as! any SQLDatabase
            for table in [PlanItem.schema, SupervisionNotice.schema, Comment.schema, Milestone.schema] {
                let column = table == PlanItem.schema ? "id" : "item_id"
                await #expect(throws: (any Error).self, "DELETE on \(table)") {
                    try await sql.raw(
                        "DELETE FROM \(unsafeRaw: table) WHERE \(unsafeRaw: column) = \(bind: item.id!)"
                    ).run()
                }
            }
            #expect(try await PlanItem.find(item.id, on: app.db) != nil)
            #expect(try await Audit.verify(on: app.db, key: app.auditKey).broken == nil)
            // The retired item's page still opens and says why it left the plan; the plan's page too.
            let browser = try await app.browser("duchaban")
            try await app.testing().test(.GET, "/items/\(item.id!)", headers: browser.headers) { res throws in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("此事项已撤销"))
                #expect(res.body.string.contains("与另一任务重复"))
                #expect(!res.body.string.contains("未启动"))
            }
            try await app.testing().test(.GET, "/plans/\(item.$plan.id)", headers: browser.headers) { res throws in
                #expect(res.status == .ok)
            }
        }
    }

    @Test("合并事项：被合并项的报送和督办单转到合并后的事项，原项撤销留档 (merging moves reports and notices, keeps the other)")
    func mergeKeepsRecords() async throws {
        try await TestApp.with { app in
            // setup
            let (item, _, admin) = try await workItem(app)
            let (other, otherReporter, _) = try await workItem(app, otherThan: item.id)
            let now = app.clock.now()
            _ = try await Reports.file(
                .init(period: "2015-06", actualValue: nil, percentComplete: 50, milestone: nil, narrative: "过半"),
                item: other, user: otherReporter, on: app.store, now: now)
            let notice = try await Notices.issue(
                .init(item: other.id!, level: .blue, reason: "提醒", requiredAction: "按期报送"), by: admin,
                on: app.store, now: now)
            let reports = Set(
                try await ProgressReport.query(on: app.db).filter(\.$item.$id ~~ [item.id!, other.id!]).all(\.$id))
            let movedReports = try await ProgressReport.query(on: app.db).filter(\.$item.$id == other.id!).count()
            // MUT
            try await PlanEdits.merge(
                item.id!, with: other.id!, reason: "两项同一工程", actor: admin, on: app.store, now: now)
            // validate
            let retired = try #require(try await PlanItem.find(other.id, on: app.db))
            #expect(retired.retiredAt != nil)
            #expect(retired.$mergedInto.id == item.id)
            #expect(
                Set(try await ProgressReport.query(on: app.db).filter(\.$item.$id == item.id!).all(\.$id)) == reports)
            let moved = try #require(try await SupervisionNotice.find(notice.id, on: app.db))
            #expect(moved.$item.id == item.id)
            #expect(moved.number == notice.number)
            // One entry for the merge, the retirement, and each notice and report moved.
            let moves = 3 + movedReports
            let actions = try await AuditEntry.query(on: app.db).sort(\.$sequence, .descending).limit(moves).all()
                .map(\.action)
            #expect(Set(actions) == ["item.merge", "item.retire", "notice.move", "report.move"])
            #expect(actions.filter { $0 == "report.move" }.count == movedReports)
        }
    }

    @Test("新增事项编号不重复：增、撤、增，数据库也不许重号 (item codes are never reused)")
    func codesAreUnique() async throws {
        try await TestApp.with { app in
            let (item, _, admin) = try await workItem(app)
            let now = app.clock.now()
            let first = try await PlanEdits.add(
                .init(kind: .task, parent: item.$parent.id, title: "新增任务甲", reason: "补充"), to: item.$plan.id,
                actor: admin, on: app.store, now: now)
            try await PlanEdits.retire(first.id!, reason: "误加", actor: admin, on: app.store, now: now)
            let second = try await PlanEdits.add(
                .init(kind: .task, parent: item.$parent.id, title: "新增任务乙", reason: "补充"), to: item.$plan.id,
                actor: admin, on: app.store, now: now)
            let third = try await PlanEdits.split(
                second.id!, first: "新增任务", second: "乙", reason: "拆分", actor: admin, on: app.store, now: now)
            #expect(Set([first.code, second.code, third.code]).count == 3)
            let codes = try await PlanItem.query(on: app.db).filter(\.$plan.$id == item.$plan.id).all(\.$code)
            #expect(Set(codes).count == codes.count)
            let copy = PlanItem(
                id: UUID(), planID: item.$plan.id, parentID: nil, kind: .task, position: 0, code: first.code,
                number: nil, title: "重号", span: Span(start: 0, end: 0))
            await #expect(throws: (any Error).self) { try await copy.create(on: app.db) }
        }
    }

    @Test("两人同时审核一份报送：只有一人成功，审计只记一次 (two reviews at once: one wins)")
    func concurrentReview() async throws {
        try await TestApp.with { app in
            let (item, reporter, admin) = try await workItem(app)
            let report = try await Reports.file(
                .init(period: "2015-06", actualValue: nil, percentComplete: 60, milestone: nil, narrative: "按期推进"),
                item: item, user: reporter, on: app.store, now: app.clock.now())
            let store = app.store
            let now = app.clock.now()
            // MUT: an accept and a return race.
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for accept in [true, false, true, false] {
                    group.addTask {
                        do {
                            _ = try await Reports.review(
                                report.id!.uuidString, accept: accept, reason: accept ? nil : "请补充台账", user: admin,
                                on: store, now: now)
                            return true
                        } catch { return false }
                    }
                }
                var all: [Bool] = []
                for await o in group { all.append(o) }
                return all
            }
            // validate
            #expect(outcomes.filter { $0 }.count == 1)
            let reviews = try await AuditEntry.query(on: app.db).filter(\.$entityID == report.id!.uuidString)
                .filter(\.$action ~~ ["report.accept", "report.return"]).all()
            #expect(reviews.count == 1)
            let stored = try #require(try await ProgressReport.find(report.id, on: app.db))
            #expect(reviews.first?.action == (stored.state == .accepted ? "report.accept" : "report.return"))
        }
    }

    @Test("批量分解只改所填的字段：周报不变成月报，配合单位可以清空 (a bulk change changes only the fields it names)")
    func bulkAssignmentChangesOnlyWhatItNames() async throws {
        try await TestApp.with { app in
            // setup: a weekly item with a cooperating unit and a responsible person.
            let (item, _, _) = try await workItem(app)
            let units = try await Organization.query(on: app.db).sort(\.$name).all()
            let leaders = try await User.query(on: app.db).filter(\.$role == .leader).sort(\.$username).all()
            let caller = try await app.signIn("duchaban")
            func post(_ json: String) async throws -> HTTPStatus {
                var status = HTTPStatus.ok
                try await app.testing().test(
                    .POST, "/api/v1/assignments", headers: .json(caller), body: ByteBuffer(string: json)
                ) { res throws in status = res.status }
                return status
            }
            #expect(
                try await post(
                    #"{"items":["\#(item.id!)"],"cycle":"weekly","cooperatingUnits":["\#(units[0].id!)"],"responsiblePerson":"张三"}"#
                ) == .ok)
            // MUT: change the leader only.
            #expect(try await post(#"{"items":["\#(item.id!)"],"leadLeader":"\#(leaders[1].id!)"}"#) == .ok)
            // validate: the rest is as it was.
            var a = try #require(try await Assignment.query(on: app.db).filter(\.$item.$id == item.id!).first())
            #expect(a.cycle == .weekly)
            #expect(a.cooperating == [units[0].id!])
            #expect(a.responsiblePerson == "张三")
            #expect(a.$leadLeader.id == leaders[1].id)
            // null empties a field; an unknown cooperating unit is refused.
            #expect(
                try await post(#"{"items":["\#(item.id!)"],"cooperatingUnits":null,"responsiblePerson":null}"#) == .ok)
            a = try #require(try await Assignment.query(on: app.db).filter(\.$item.$id == item.id!).first())
            #expect(a.cooperating.isEmpty)
            #expect(a.responsiblePerson == nil)
            #expect(a.cycle == .weekly)
            #expect(try await post(#"{"items":["\#(item.id!)"],"cooperatingUnits":["\#(UUID())"]}"#) == .notFound)
            #expect(try await post(#"{"items":["\#(item.id!)"],"cycle":null}"#) == .unprocessableEntity)
            #expect(try await post(#"{"items":["\#(UUID())"]}"#) == .notFound)
            // The form: a blank field leaves the item as it is; "clear" empties one.
            let browser = try await app.browser("duchaban")
            func submit(_ fields: String) async throws {
                try await app.testing().test(
                    .POST, "/assign", headers: browser.headers,
                    body: ByteBuffer(
                        string: "_csrf=\(browser.csrf)&plan=\(item.$plan.id)&items%5B%5D=\(item.id!)&" + fields)
                ) { res throws in #expect(res.status == .seeOther, "\(res.body.string)") }
            }
            try await submit("leader=&unit=&person=&start=&due=&cycle=&weight=2")
            a = try #require(try await Assignment.query(on: app.db).filter(\.$item.$id == item.id!).first())
            #expect(a.cycle == .weekly)
            #expect(a.weight == 2)
            #expect(a.$leadLeader.id == leaders[1].id)
            try await submit("clear%5B%5D=leader")
            a = try #require(try await Assignment.query(on: app.db).filter(\.$item.$id == item.id!).first())
            #expect(a.$leadLeader.id == nil)
            #expect(a.weight == 2)
        }
    }

    @Test("基数被保存，进度从基数算起：城镇化率从77%提高到80%，报77.5%不是97% (the baseline is kept and progress counts from it)")
    func baselineIsKept() async throws {
        try await TestApp.with { app in
            // setup: a plan whose target states its starting point.
            let (_, reporter, admin) = try await workItem(app)
            let text = "某镇2015年工作计划\n一、城乡建设\n城镇化率从77%提高到80%。\n"
            let doc = try PlanReader.read(text: text)
            let plan = try await PlanStore.store(
                doc, sourceText: text, actor: "test", on: app.store, now: app.clock.now())
            let target = try #require(
                try await PlanItem.live(plan: plan.id!, on: app.db).filter(\.$kind == .target).first())
            #expect(target.value == 80)
            #expect(target.baseline == 77)
            let words = try #require(target.targetBaseline?.span)
            #expect(plan.words(of: target).isEmpty == false)
            #expect(Array(text.unicodeScalars)[words.start..<words.end].map(String.init).joined() == "77%")
            try await PlanLifecycle.publish(plan.id!, actor: admin, on: app.store, now: app.clock.now())
            var change = Assignments.Change()
            change.unit = .set(try #require(reporter.$organization.id))
            _ = try await Assignments.apply(change, to: [target.id!], actor: admin, on: app.store, now: app.clock.now())
            // MUT: the unit reports 77.5, staff accept.
            let report = try await Reports.file(
                .init(period: "2015-06", actualValue: 77.5, percentComplete: nil, milestone: nil, narrative: "稳步推进"),
                item: target, user: reporter, on: app.store, now: app.clock.now())
            _ = try await Reports.review(
                report.id!.uuidString, accept: true, reason: nil, user: admin, on: app.store, now: app.clock.now())
            // validate: a sixth of the way, not 97%.
            let stored = try #require(try await Plan.find(plan.id, on: app.db))
            let snapshot = try await PlanSnapshot.load(stored, on: app.db, now: app.clock.now())
            let progress = try #require(snapshot.status(of: target).progress)
            #expect(abs(progress - 1.0 / 6) < 0.001)
            // The plan reads back with its baseline.
            try await app.testing().test(
                .GET, "/api/v1/plans/\(plan.id!)", headers: try await app.signIn("duchaban").headers
            ) { res throws in
                #expect(res.body.string.contains(#""baseline":{"#))
            }
        }
    }
}

extension ServerTests {
    /// Finding 18 of "Hardening": `verify` checked the log only against itself. Three ways someone who
    /// can write to the database rewrites history, each of which it called intact.
    @Test("审计：改报送、删末尾、重算链条都能发现 (audit: an edited report, a cut tail, a recomputed chain all show)")
    func auditTamperingShows() async throws {
        for attack in ["edit a report", "cut the tail", "recompute the chain"] {
            try await TestApp.with(tampers: true) { app in
                let checkpoints = FileManager.default.temporaryDirectory.appendingPathComponent(
                    "luoshi-checkpoints-\(UUID())"
                ).path
                defer { try? FileManager.default.removeItem(atPath: checkpoints) }
                app.storage[AuditKeyKey.self] = AuditKey(bytes: app.auditKey.bytes, checkpointFile: checkpoints)
                let (item, reporter) = try await app.assignedItem()
                for month in 1...12 {
                    _ = try await Reports.file(
                        Reports.Filing(
                            period: String(format: "2015-%02d", month), actualValue: nil,
                            percentComplete: Double(month),
                            milestone: nil, narrative: "第\(month)月"),
                        item: item, user: reporter, on: app.store, now: app.clock.now())
                }
                // Intact, and its head written down outside the database.
                let (count, intact) = try await LuoshiServer.verifyAudit(app)
                #expect(intact == nil, "\(attack)")
                #expect(try Checkpoints.read(checkpoints).last?.sequence == count)
                let sql = app.db as! any SQLDatabase
                switch attack {
                case "edit a report":
                    // A figure changed in the table, the log untouched.
                    let report = try #require(
                        try await ProgressReport.query(on: app.db).filter(\.$narrative == "第6月").first())
                    try await sql.update(ProgressReport.schema).set("percent_complete", to: 95.0)
                        .where("id", .equal, report.id!).run()
                    let (_, broken) = try await LuoshiServer.verifyAudit(app)
                    #expect(broken == .rowChanged(entity: "report", id: report.id!.uuidString))
                case "cut the tail":
                    try await TestApp.unguarded(AuditEntry.schema, in: app) {
                        try await sql.delete(from: AuditEntry.schema).where("sequence", .greaterThan, count - 10).run()
                    }
                    let (_, broken) = try await LuoshiServer.verifyAudit(app)
                    #expect(broken == .truncated(checkpoint: count, last: count - 10))
                default:
                    // Entry 5's actor changed, and every hash after it recomputed so the chain links again.
                    let entries = try await AuditEntry.query(on: app.db).sort(\.$sequence).all()
                    var previous = AuditChain.genesis
                    for e in entries {
                        if e.sequence == 5 { e.actor = "someone-else" }
                        e.previousHash = previous
                        e.hash = AuditChain.hash(
                            sequence: e.sequence, at: e.at, actor: e.actor, action: e.action, entity: e.entity,
                            entityID: e.entityID, before: e.before, after: e.after, previousHash: previous)
                        try await sql.update(AuditEntry.schema).set("actor", to: e.actor)
                            .set("previous_hash", to: e.previousHash).set("hash", to: e.hash)
                            .where("sequence", .equal, e.sequence).run()
                        previous = e.hash
                    }
                    #expect(AuditChain.verify(entries.map(\.record)) == nil, "the chain alone links again")
                    let (_, broken) = try await LuoshiServer.verifyAudit(app)
                    #expect(broken == .forged(sequence: 5) || broken == .rewritten(sequence: count))
                }
            }
        }
    }
}
