import Fluent
import Foundation
import LuoshiCore
import Vapor

/// Plan snapshots and rendered overviews, reused while nothing has changed.
///
/// Every write adds an audit entry, so the audit log's last sequence number is the database's
/// version: each request reads it (one small query) and reuses what was computed at that version.
/// The cache is derived from the database and checked against it on every request, so several app
/// servers stay correct; statuses depend on the clock too, so entries also expire with it.
actor SnapshotCache {
    struct Key: Hashable {
        var plan: UUID
        var version: Int
        /// The clock in five-minute steps: expected progress moves with time.
        var bucket: Int
    }

    private var snapshots: [Key: PlanSnapshot] = [:]
    private var users: [UUID: (user: User, version: Int)] = [:]
    /// The database's version as last read, and when (real time).
    private var version = 0
    private var checkedAt = Date.distantPast

    /// How long a read version is trusted before it is read again. Writes through this process make
    /// it read again at once; a write through another app server shows here within this time.
    static let revalidateAfter: TimeInterval = 0.25

    func cachedVersion(now: Date) -> Int? {
        now.timeIntervalSince(checkedAt) < SnapshotCache.revalidateAfter ? version : nil
    }

    func setVersion(_ v: Int, at: Date) {
        version = v
        checkedAt = at
    }

    /// After a write in this process.
    func invalidate() {
        checkedAt = .distantPast
        unread = [:]
    }

    /// Unread counts for page headers, kept a few seconds: every page asks, and a count a moment old is
    /// good enough in a header (a write through this process, or a supervision pass, clears them).
    private var unread: [UUID: (count: Int, at: Date)] = [:]
    static let unreadLifetime: TimeInterval = 5

    func unreadCount(_ user: UUID) -> Int? {
        guard let entry = unread[user], Date().timeIntervalSince(entry.at) < Self.unreadLifetime else { return nil }
        return entry.count
    }

    func setUnreadCount(_ user: UUID, _ count: Int) {
        if unread.count > 10_000 { unread = [:] }
        unread[user] = (count, Date())
    }

    private var plans: [UUID: (plan: Plan, version: Int)] = [:]

    func plan(_ id: UUID, version: Int) -> Plan? {
        guard let entry = plans[id], entry.version == version else { return nil }
        return entry.plan
    }

    func store(plan: Plan, version: Int) {
        if plans.count > 200 { plans.removeAll() }
        plans[plan.id!] = (plan, version)
    }

    func user(_ id: UUID, version: Int) -> User? {
        guard let entry = users[id], entry.version == version else { return nil }
        return entry.user
    }

    func store(user: User, version: Int) {
        if users.count > 2000 { users.removeAll() }
        users[user.id!] = (user, version)
    }
    private var pages: [String: String] = [:]
    private var order: [Key] = []
    /// 考核 results by plan, period and day, at the database version they were computed at: a unit's page
    /// reads one line of a computation over the whole plan.
    private var assessments: [String: (version: Int, result: AssessmentService.Result)] = [:]

    func assessment(_ key: String, version: Int) -> AssessmentService.Result? {
        guard let hit = assessments[key], hit.version == version else { return nil }
        return hit.result
    }

    func store(assessment: AssessmentService.Result, for key: String, version: Int) {
        if assessments.count > 64 { assessments = assessments.filter { $0.value.version == version } }
        // Many days and periods asked at one version: start again rather than grow.
        if assessments.count > 64 { assessments.removeAll() }
        assessments[key] = (version, assessment)
    }

    private var inflight: [Key: Task<PlanSnapshot, any Error>] = [:]

    /// The snapshot for `key`, computed once however many requests ask at the same moment (a cold
    /// cache under load would otherwise compute it once per waiting request).
    func snapshot(_ key: Key, compute: @escaping @Sendable () async throws -> PlanSnapshot) async throws -> PlanSnapshot
    {
        if let hit = snapshots[key] { return hit }
        if let running = inflight[key] { return try await running.value }
        let task = Task { try await compute() }
        inflight[key] = task
        defer { inflight[key] = nil }
        let snapshot = try await task.value
        store(snapshot, for: key)
        return snapshot
    }

    func store(_ snapshot: PlanSnapshot, for key: Key) {
        if snapshots[key] == nil { order.append(key) }
        snapshots[key] = snapshot
        // Old versions are of no use once a newer one is read; keep a few plans' worth.
        while order.count > 16 {
            let old = order.removeFirst()
            snapshots[old] = nil
            pages = pages.filter { !$0.key.hasPrefix("\(old.plan)|\(old.version)|\(old.bucket)|") }
        }
    }

    func page(_ key: Key, _ variant: String) -> String? { pages["\(key.plan)|\(key.version)|\(key.bucket)|\(variant)"] }

    func store(page: String, for key: Key, _ variant: String) {
        guard snapshots[key] != nil else { return }
        pages["\(key.plan)|\(key.version)|\(key.bucket)|\(variant)"] = page
    }

    /// The database's version: the audit log's last sequence number (every write adds an entry).
    static func version(_ req: Request) async throws -> Int {
        let cache = req.application.snapshots
        let real = Date()
        if let v = await cache.cachedVersion(now: real) { return v }
        let v = try await AuditEntry.query(on: req.db).max(\.$sequence) ?? 0
        await cache.setVersion(v, at: real)
        return v
    }

    static func key(_ plan: Plan, for req: Request) async throws -> Key {
        Key(
            plan: try plan.requireID(), version: try await version(req),
            bucket: Int(req.now.timeIntervalSince1970 / 300))
    }
}

struct SnapshotCacheKey: StorageKey { typealias Value = SnapshotCache }

extension Application {
    var snapshots: SnapshotCache {
        if let cache = storage[SnapshotCacheKey.self] { return cache }
        let cache = SnapshotCache()
        storage[SnapshotCacheKey.self] = cache
        return cache
    }
}

extension PlanSnapshot {
    /// The plan's snapshot at the database's current version, computed once per version.
    static func load(_ plan: Plan, for req: Request) async throws -> (PlanSnapshot, SnapshotCache.Key) {
        let key = try await SnapshotCache.key(plan, for: req)
        let cache = req.application.snapshots
        let db = req.db
        let now = req.now
        let snapshot = try await cache.snapshot(key) { try await load(plan, on: db, now: now) }
        return (snapshot, key)
    }
}

extension PlanSnapshot: @unchecked Sendable {}
