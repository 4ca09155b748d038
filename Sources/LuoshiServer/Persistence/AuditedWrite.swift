import Fluent
import FluentSQLiteDriver
import Foundation
import LuoshiCore
import SQLKit
import Vapor

/// What an audit entry says was done. Stored as the raw value, so the log reads the same as before
/// the actions were typed.
enum AuditAction: String, Codable, Sendable, CaseIterable {
    case demoLoad = "demo.load"
    case planImport = "plan.import"
    case planPublish = "plan.publish"
    case planClose = "plan.close"
    case planReopen = "plan.reopen"
    case planSupervision = "plan.supervision"
    case planBreakdown = "plan.breakdown"
    case assessmentScheme = "assessment.scheme"
    case assessmentEntry = "assessment.entry"
    case assessmentOpen = "assessment.open"
    case assessmentPublish = "assessment.publish"
    case assessmentObject = "assessment.object"
    case assessmentAnswer = "assessment.answer"
    case assessmentFinalize = "assessment.finalize"
    case planRelease = "plan.release"
    case feedbackSubmit = "feedback.submit"
    case feedbackModerate = "feedback.moderate"
    case feedbackAnswer = "feedback.answer"
    case feedbackErase = "feedback.erase"
    case followRequest = "follow.request"
    case followConfirm = "follow.confirm"
    case followStop = "follow.stop"
    case followLapse = "follow.lapse"
    case congressDraft = "congress.draft"
    case congressIssue = "congress.issue"
    case assessmentSelf = "assessment.self"
    case assessmentReview = "assessment.review"
    case itemEdit = "item.edit"
    case itemAdd = "item.add"
    case itemRetire = "item.retire"
    case itemHandDown = "item.handdown"
    case itemMove = "item.move"
    case itemMerge = "item.merge"
    case itemSplit = "item.split"
    case itemAssign = "item.assign"
    case itemComment = "item.comment"
    case itemInstruct = "item.instruct"
    case itemRemind = "item.remind"
    case milestoneAdd = "milestone.add"
    case milestoneReach = "milestone.reach"
    case reportSubmit = "report.submit"
    case reportSupersede = "report.supersede"
    case reportAccept = "report.accept"
    case reportReturn = "report.return"
    case noticeIssue = "notice.issue"
    case noticeSign = "notice.sign"
    case noticeRespond = "notice.respond"
    case noticeSendBack = "notice.sendBack"
    case noticeClose = "notice.close"
    case noticeSupersede = "notice.supersede"
    case noticeEscalate = "notice.escalate"
    case noticeMove = "notice.move"
    case reportMove = "report.move"
    case channelAdd = "channel.add"
    case channelEnable = "channel.enable"
    case channelDisable = "channel.disable"
    case userAdd = "user.add"
    case userPassword = "user.passwd"
    case userLanguage = "user.language"
    case userEdit = "user.edit"
    case userReset = "user.reset"
    case userDisable = "user.disable"
    case userEnable = "user.enable"
    case unitAdd = "unit.add"
    case unitEdit = "unit.edit"

    /// What the audit page and a notice's history call the step, in Chinese and English.
    var words: (chinese: String, english: String) {
        switch self {
        case .demoLoad: return ("载入演示数据", "Demo loaded")
        case .planImport: return ("导入计划", "Plan imported")
        case .planPublish: return ("发布计划", "Plan published")
        case .planClose: return ("结束计划", "Plan closed")
        case .planReopen: return ("重新打开计划", "Plan reopened")
        case .planSupervision: return ("修改督办规则", "Supervision rules changed")
        case .planBreakdown: return ("导入分解表", "Task breakdown imported")
        case .assessmentScheme: return ("修改考核方案", "Assessment scheme changed")
        case .assessmentEntry: return ("录入考核加扣分", "Assessment entry made")
        case .assessmentOpen: return ("开始考核", "Assessment opened")
        case .assessmentPublish: return ("公示考核结果", "Assessment published for notice")
        case .assessmentObject: return ("提出考核异议", "Objection lodged")
        case .assessmentAnswer: return ("答复考核异议", "Objection answered")
        case .assessmentFinalize: return ("考核定稿", "Assessment made final")
        case .planRelease: return ("向社会公开计划", "Plan released to the public")
        case .feedbackSubmit: return ("群众留言", "Feedback received")
        case .feedbackModerate: return ("审核群众留言", "Feedback moderated")
        case .feedbackAnswer: return ("答复群众留言", "Feedback answered")
        case .feedbackErase: return ("删除留言人联系方式", "Feedback contact erased")
        case .followRequest: return ("申请关注", "Asked to follow")
        case .followConfirm: return ("确认关注", "Following confirmed")
        case .followStop: return ("取消关注", "Following stopped")
        case .followLapse: return ("关注未确认，删除邮箱", "Unconfirmed following lapsed")
        case .congressDraft: return ("起草人大报告", "Report to the congress drafted")
        case .congressIssue: return ("印发人大报告", "Report to the congress issued")
        case .assessmentSelf: return ("提交自评", "Self-assessment filed")
        case .assessmentReview: return ("考核复核", "Assessment reviewed")
        case .itemEdit: return ("修改事项", "Item corrected")
        case .itemAdd: return ("新增事项", "Item added")
        case .itemRetire: return ("撤销事项", "Item retired")
        case .itemHandDown: return ("上级交办", "Handed down")
        case .itemMove: return ("移动事项", "Item moved")
        case .itemMerge: return ("合并事项", "Items merged")
        case .itemSplit: return ("拆分事项", "Item split")
        case .itemAssign: return ("分解任务", "Task assigned")
        case .itemComment: return ("评论", "Comment added")
        case .itemInstruct: return ("批示", "Instruction given")
        case .itemRemind: return ("催报", "Reminded to report")
        case .milestoneAdd: return ("新增节点", "Milestone added")
        case .milestoneReach: return ("节点完成", "Milestone reached")
        case .reportSubmit: return ("报送进展", "Report filed")
        case .reportSupersede: return ("报送被更新", "Report superseded")
        case .reportAccept: return ("采纳报送", "Report accepted")
        case .reportReturn: return ("退回报送", "Report returned")
        case .noticeIssue: return ("发出", "Notice issued")
        case .noticeSign: return ("签收", "Notice signed for")
        case .noticeRespond: return ("反馈", "Notice answered")
        case .noticeSendBack: return ("退回", "Notice sent back")
        case .noticeClose: return ("办结", "Notice closed")
        case .noticeSupersede: return ("被更高等级督办单取代", "Notice superseded")
        case .noticeEscalate: return ("逾期升级", "Notice escalated")
        case .noticeMove, .reportMove: return ("随事项合并转移", "Moved with a merge")
        case .channelAdd: return ("新增通知渠道", "Channel added")
        case .channelEnable: return ("启用通知渠道", "Channel enabled")
        case .channelDisable: return ("停用通知渠道", "Channel disabled")
        case .userAdd: return ("新增账号", "Account added")
        case .userPassword: return ("修改密码", "Password changed")
        case .userLanguage: return ("切换语言", "Language changed")
        case .userEdit: return ("修改账号", "Account changed")
        case .userReset: return ("重置密码", "Password reset")
        case .userDisable: return ("停用账号", "Account disabled")
        case .userEnable: return ("启用账号", "Account enabled")
        case .unitAdd: return ("新增单位", "Unit added")
        case .unitEdit: return ("修改单位", "Unit changed")
        }
    }
}

/// What an audit entry is about.
enum AuditEntity: String, Codable, Sendable, CaseIterable {
    case plan, item, report, notice, channel, user, unit, feedback, follower

    var words: (chinese: String, english: String) {
        switch self {
        case .plan: return ("计划", "Plan")
        case .item: return ("事项", "Item")
        case .report: return ("报送", "Report")
        case .notice: return ("督办单", "Notice")
        case .channel: return ("通知渠道", "Channel")
        case .user: return ("账号", "Account")
        case .unit: return ("单位", "Unit")
        case .feedback: return ("群众留言", "Feedback")
        case .follower: return ("关注者", "Follower")
        }
    }
}

/// Which writes must wait for each other. Writes to one plan are ordered (the check a write makes
/// must still hold when it writes); writes to different plans run side by side, and only the audit
/// chain's append, a moment at the end, is taken one at a time.
enum WriteScope: Sendable, Hashable {
    case plan(UUID)
    /// Channels, sessions, the delivery queue: writes about no one plan.
    case office
    /// Units and accounts: the names every plan's pages show. Ordered with the office's writes.
    case directory

    /// The counter in `write_versions` that this scope's writes bump (`CreateWriteVersions`): what a
    /// plan's cached pages are checked against. The office's writes show on no plan's pages.
    var versionKey: String? {
        switch self {
        case .plan(let id): return "plan:\(id.uuidString)"
        case .directory: return "directory"
        case .office: return nil
        }
    }

    /// The PostgreSQL advisory lock key of the scope (a 63-bit number from the plan's id).
    var lockKey: Int64 {
        switch self {
        case .office, .directory: return 7_405_120_150_124
        case .plan(let id):
            let u = id.uuid
            var key: UInt64 = 0
            for b in [u.0, u.1, u.2, u.3, u.4, u.5, u.6, u.7] { key = key << 8 | UInt64(b) }
            // Bit 61 set, bits 62–63 clear: a positive key far above the small fixed keys, never one of them.
            return Int64(bitPattern: key & 0x3fff_ffff_ffff_ffff) | 0x2000_0000_0000_0000
        }
    }

    /// The lock around the audit chain's append.
    static let chainLockKey: Int64 = 7_405_120_150_123
    /// The locks around drawing a notice number (督〔2015〕12号): numbers are a government's office's, not a
    /// plan's; one lock a government (this class, and the government's id hashed).
    static let noticeNumberLockClass: Int32 = 740_512
}

/// The state one database's writers share inside this process: the SQLite writer queue, the audit
/// chain's tail as this process last wrote it, and which SQLite connections are tuned. It lives in
/// the application's storage (one per app and so per database), never in a process global.
actor WriteGate {
    /// The audit log's sealing key (`AuditKey`).
    nonisolated let key: AuditKey
    private var locked = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var tail: AuditRecord?
    private var tunedConnections: Set<ObjectIdentifier> = []

    init(key: AuditKey) { self.key = key }

    func lock() async {
        if !locked {
            locked = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func unlock() {
        if waiters.isEmpty { locked = false } else { waiters.removeFirst().resume() }
    }

    func rememberedTail() -> AuditRecord? { tail }
    func remember(_ record: AuditRecord?) { tail = record }

    /// Whether this connection still needs tuning; marks it tuned.
    func needsTuning(_ connection: ObjectIdentifier) -> Bool { tunedConnections.insert(connection).inserted }
}

/// The database and its write gate: what a service needs to read and to write.
struct Store: Sendable {
    let db: any Database
    let gate: WriteGate

    var sql: any SQLDatabase { db as! any SQLDatabase }
    var isSQLite: Bool { (db as? any SQLDatabase)?.dialect.name == "sqlite" }
    var isPostgres: Bool { (db as? any SQLDatabase)?.dialect.name == "postgresql" }

    /// The one way a domain change is written: the scope's lock is taken first, then `body` re-reads
    /// and checks the state it depends on, writes, and says what it did with `record`; the entries are
    /// appended to the audit chain in the same transaction. All of it, or nothing.
    func write<T: Sendable>(
        _ scope: WriteScope, actor: String, at now: Date,
        _ body: @escaping @Sendable (AuditedTransaction) async throws -> T
    ) async throws -> T {
        try await transaction(scope) { tx in
            let audited = AuditedTransaction(db: tx, actor: actor)
            let result = try await body(audited)
            if let key = scope.versionKey, let sql = tx as? any SQLDatabase {
                // Under the scope's lock already: no two writers bump one counter at once. Before the chain's
                // append, whose lock every writer of the deployment waits on.
                try await sql.raw(
                    """
                    INSERT INTO write_versions (scope, version) VALUES (\(bind: key), 1)
                    ON CONFLICT (scope) DO UPDATE SET version = write_versions.version + 1
                    """
                ).run()
            }
            try await AuditChainWriter.append(audited.changes, on: tx, gate: gate, isSQLite: isSQLite, at: now)
            return result
        }
    }

    /// A transaction in the scope's order. On SQLite it takes the write lock at its start (BEGIN
    /// IMMEDIATE: a deferred transaction that reads first can find its snapshot stale when it comes to
    /// write) and queues behind this process's other writers; on PostgreSQL it takes the scope's
    /// advisory lock, released at commit.
    private func transaction<T: Sendable>(
        _ scope: WriteScope, _ body: @escaping @Sendable (any Database) async throws -> T
    ) async throws -> T {
        guard isSQLite else {
            return try await db.transaction { tx in
                if let sql = tx as? any SQLDatabase, isPostgres {
                    try await sql.raw("SELECT pg_advisory_xact_lock(\(bind: scope.lockKey))").run()
                }
                return try await body(tx)
            }
        }
        await gate.lock()
        do {
            let result = try await db.withConnection { conn in
                let sql = conn as! any SQLDatabase
                // In WAL mode NORMAL syncs at checkpoints: a commit survives the process being killed
                // (the OS holds it), though not a power cut in the last moment. Set once per connection.
                if let sqlite = conn as? any SQLiteDatabase,
                    await gate.needsTuning(try await sqlite.connectionIdentity())
                {
                    try await sql.raw("PRAGMA synchronous=NORMAL").run()
                }
                try await sql.raw("BEGIN IMMEDIATE TRANSACTION").run()
                do {
                    let result = try await body(conn)
                    try await sql.raw("COMMIT TRANSACTION").run()
                    return result
                } catch {
                    try? await sql.raw("ROLLBACK TRANSACTION").run()
                    throw error
                }
            }
            await gate.unlock()
            return result
        } catch {
            // What this transaction appended was rolled back.
            await gate.remember(nil)
            await gate.unlock()
            throw error
        }
    }
}

/// A write in progress: its transaction and the changes it has said it made.
final class AuditedTransaction: @unchecked Sendable {
    /// The transaction: every read that a check depends on and every write goes through it.
    let db: any Database
    let actor: String
    // Only the transaction's own task touches it (writes are sequential inside a body).
    private(set) var changes: [AuditChainWriter.Change] = []

    init(db: any Database, actor: String) {
        self.db = db
        self.actor = actor
    }

    var sql: any SQLDatabase { db as! any SQLDatabase }

    /// Says what this write did, with the values before and after (JSON of the typed values).
    func record(
        _ action: AuditAction, _ entity: AuditEntity, _ id: UUID, before: (any Encodable)? = nil,
        after: (any Encodable)? = nil
    ) {
        changes.append(
            AuditChainWriter.Change(
                actor: actor, action: action, entity: entity, entityID: id.uuidString,
                before: before.map(Audit.snapshot), after: after.map(Audit.snapshot)))
    }
}

/// Appends to the hash-chained audit log. Only `Store.write` calls it: nothing else can append.
enum AuditChainWriter {
    struct Change: Sendable {
        var actor: String
        var action: AuditAction
        var entity: AuditEntity
        var entityID: String
        var before: String?
        var after: String?
    }

    fileprivate static func append(
        _ changes: [Change], on db: any Database, gate: WriteGate, isSQLite: Bool, at: Date
    ) async throws {
        guard !changes.isEmpty else { return }
        let sql = db as! any SQLDatabase
        // What the write left behind, for the entries about reports, notices and items: read before the
        // chain's lock, which every writer of every plan waits for, so that it is held for the link alone.
        var digests: [String: String] = [:]
        for (entity, _) in RowDigest.tables {
            let ids = Set(changes.filter { $0.entity.rawValue == entity }.map(\.entityID))
            digests.merge(try await RowDigest.digests(entity: entity, ids: Array(ids), on: sql)) { a, _ in a }
        }
        let rows = changes.map { digests[$0.entity.rawValue + ":" + $0.entityID] }
        if sql.dialect.name == "postgresql" {
            // The chain has one link at a time across every app server; held from here to commit only.
            try await sql.raw("SELECT pg_advisory_xact_lock(\(bind: WriteScope.chainLockKey))").run()
        }
        // Whole milliseconds: every database keeps them exactly, so the hash checks after a round trip.
        let at = Date(timeIntervalSince1970: (at.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
        // On SQLite one process holds the write lock and remembers the chain's tail; elsewhere, read it.
        var last: AuditRecord? = isSQLite ? await gate.rememberedTail() : nil
        if last == nil { last = try await Audit.tail(on: db) }
        func chain(after tail: AuditRecord?) -> [AuditRecord] {
            var previous = tail
            return changes.map { c in
                let r = AuditChain.append(
                    after: previous, at: at, actor: c.actor, action: c.action.rawValue, entity: c.entity.rawValue,
                    entityID: c.entityID, before: c.before, after: c.after)
                previous = r
                return r
            }
        }
        var records = chain(after: last)
        do {
            try await insert(records, rows: rows, key: gate.key, on: sql)
        } catch  where isSQLite {
            // Another process (a command-line tool) added to the chain: read the tail and link again.
            records = chain(after: try await Audit.tail(on: db))
            try await insert(records, rows: rows, key: gate.key, on: sql)
        }
        if isSQLite { await gate.remember(records.last) }
    }

    /// Every write appends entries, so this insert is plain SQL, many rows to a statement (a
    /// supervision pass may record a thousand notices at once).
    private static func insert(
        _ records: [AuditRecord], rows: [String?], key: AuditKey, on sql: any SQLDatabase
    ) async throws {
        for chunk in Array(zip(records, rows)).chunked(200) {
            var insert = sql.insert(into: AuditEntry.schema).columns(
                "id", "sequence", "at", "actor", "action", "entity", "entity_id", "before", "after", "previous_hash",
                "hash", "row_digest", "seal")
            for (r, digest) in chunk {
                insert = insert.values(
                    SQLBind(UUID()), SQLBind(r.sequence), SQLBind(r.at), SQLBind(r.actor), SQLBind(r.action),
                    SQLBind(r.entity), SQLBind(r.entityID), SQLBind(r.before), SQLBind(r.after),
                    SQLBind(r.previousHash), SQLBind(r.hash), SQLBind(digest),
                    SQLBind(AuditChain.seal(hash: r.hash, rows: digest, key: key.bytes)))
            }
            try await insert.run()
        }
    }
}

extension SQLiteDatabase {
    /// The identity of the pooled connection underneath.
    fileprivate func connectionIdentity() async throws -> ObjectIdentifier {
        try await withConnection { $0.eventLoop.makeSucceededFuture(ObjectIdentifier($0)) }.get()
    }
}

struct WriteGateKey: StorageKey { typealias Value = WriteGate }

extension Application {
    /// The app's write gate, set by `LuoshiServer.configure` before anything writes.
    var writeGate: WriteGate {
        guard let gate = storage[WriteGateKey.self] else {
            fatalError("LuoshiServer.configure sets the write gate before anything writes")
        }
        return gate
    }

    /// The app's database with its write gate.
    var store: Store { Store(db: db, gate: writeGate) }
}

extension Request {
    /// The request's database with the app's write gate.
    var store: Store { Store(db: db, gate: application.writeGate) }
}
