import Fluent
import Foundation
import LuoshiCore
import SQLKit
import Vapor

/// Plan snapshots and rendered overviews, reused while nothing has changed.
///
/// Every write adds an audit entry, so the audit log's last sequence number is the database's
/// version (what the small caches here are checked against). A plan's snapshot and pages are checked
/// against the plan's own counter and the directory's (`write_versions`, bumped by the writes of those
/// scopes): in a province a filing somewhere lands every moment, and one town's must not throw away
/// every other town's pages. The cache is derived from the database and checked against it on every
/// request, so several app servers stay correct; statuses depend on the clock too, so entries also
/// expire with it.
actor SnapshotCache {
    struct Key: Hashable {
        var plan: UUID
        /// The plan's write counter.
        var version: Int
        /// The directory's (units and accounts): names on the plan's pages.
        var directory: Int
        /// The clock in five-minute steps: expected progress moves with time.
        var bucket: Int

        var text: String { "\(plan)|\(version)|\(directory)|\(bucket)|" }
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
        scopes = [:]
    }

    /// Write counters as last read, and when (real time), trusted as the version is.
    private var scopes: [String: (version: Int, at: Date)] = [:]

    func cachedScopes(_ keys: [String], now: Date) -> [String: Int] {
        var known: [String: Int] = [:]
        for key in keys {
            if let entry = scopes[key], now.timeIntervalSince(entry.at) < SnapshotCache.revalidateAfter {
                known[key] = entry.version
            }
        }
        return known
    }

    func setScopes(_ read: [String: Int], at: Date) {
        if scopes.count > 20_000 { scopes = [:] }
        for (key, version) in read { scopes[key] = (version, at) }
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

    /// How many plans' snapshots are kept: a county's roll-up reads its towns' ten, and its offices and
    /// the towns' open their own.
    static let plansKept = 64

    func store(_ snapshot: PlanSnapshot, for key: Key) {
        // A plan's older versions are of no use once a newer one is read.
        for old in order where old.plan == key.plan && old != key { drop(old) }
        if snapshots[key] == nil { order.append(key) }
        snapshots[key] = snapshot
        while order.count > Self.plansKept { drop(order[0]) }
    }

    private func drop(_ key: Key) {
        order.removeAll { $0 == key }
        snapshots[key] = nil
        let prefix = key.text
        pages = pages.filter { !$0.key.hasPrefix(prefix) }
    }

    func page(_ key: Key, _ variant: String) -> String? { pages[key.text + variant] }

    func store(page: String, for key: Key, _ variant: String) {
        guard snapshots[key] != nil else { return }
        pages[key.text + variant] = page
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
        try await keys([plan], for: req)[0]
    }

    /// The keys of several plans (a roll-up's towns) with one read of their counters.
    static func keys(_ plans: [Plan], for req: Request) async throws -> [Key] {
        let ids = try plans.map { try $0.requireID() }
        let names = ids.map { WriteScope.plan($0).versionKey! } + [WriteScope.directory.versionKey!]
        let cache = req.application.snapshots
        let real = Date()
        var known = await cache.cachedScopes(names, now: real)
        let missing = names.filter { known[$0] == nil }
        if !missing.isEmpty {
            // A scope never written yet is at 0.
            var read = Dictionary(uniqueKeysWithValues: missing.map { ($0, 0) })
            for row in try await (req.db as! any SQLDatabase).select().columns("scope", "version")
                .from("write_versions").where("scope", .in, missing).all()
            {
                read[try row.decode(column: "scope", as: String.self)] = try row.decode(column: "version", as: Int.self)
            }
            await cache.setScopes(read, at: real)
            known.merge(read) { _, new in new }
        }
        let bucket = Int(req.now.timeIntervalSince1970 / 300)
        let directory = known[WriteScope.directory.versionKey!] ?? 0
        return ids.map {
            Key(plan: $0, version: known[WriteScope.plan($0).versionKey!] ?? 0, directory: directory, bucket: bucket)
        }
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
    static func load(_ plan: Plan, for req: Request, key known: SnapshotCache.Key? = nil) async throws -> (
        PlanSnapshot, SnapshotCache.Key
    ) {
        let key = if let known { known } else { try await SnapshotCache.key(plan, for: req) }
        let cache = req.application.snapshots
        let db = req.db
        let now = req.now
        let snapshot = try await cache.snapshot(key) { try await load(plan, on: db, now: now) }
        return (snapshot, key)
    }
}

extension PlanSnapshot: @unchecked Sendable {}
