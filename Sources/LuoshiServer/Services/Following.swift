import Fluent
import Foundation
import LuoshiCore
import SQLKit
import Vapor

/// Following a public item (or a whole released plan) by e-mail: asked for on the public page, confirmed
/// from the mail (double opt-in), told when an item's status, figure or answers change, stopped from any
/// mail's link. The address is for that only and is erased when following stops or is never confirmed.
enum Following {
    /// The follow form as posted (no account, no session).
    struct Request: Content {
        /// The item's number, or empty for every item of the plan.
        var item: String?
        var email: String
        var day: String
        var answer: String
    }

    /// What a follower's page posts: "confirm", "stop", or the one-click unsubscribe of RFC 8058.
    struct Action: Content {
        var action: String?
        var listUnsubscribe: String?

        enum CodingKeys: String, CodingKey {
            case action
            case listUnsubscribe = "List-Unsubscribe"
        }
    }

    /// The least time between two confirmation mails to one pending address.
    static let resendAfter: TimeInterval = 600

    /// The code in a follower's links: keyed by the server's secret, so it proves the mail was received. It is
    /// not stored beside the follower; the queued mails carry it, and lose it when the following ends.
    static func token(_ id: UUID, key: AuditKey) -> String {
        String(MessageAuthentication.hmacSHA256Hex(Array("follower|\(id)".utf8), key: key.bytes).prefix(32))
    }

    /// The follower a link names, when its code is right.
    static func find(_ id: String, token: String, key: AuditKey, on db: any Database) async throws -> Follower {
        guard let uuid = UUID(uuidString: id), MessageAuthentication.matches(token, Self.token(uuid, key: key)),
            let f = try await Follower.find(uuid, on: db)
        else { throw LuoshiError.notFound(entity: "关注", id: String(id.prefix(40))) }
        return f
    }

    static func path(_ id: UUID, key: AuditKey) -> String {
        SiteURL.publicFollower(id, token: token(id, key: key)).path
    }

    /// Asks to follow; the confirmation mail is queued. The same words come back whether the address was
    /// new, pending or already following, so the form does not tell who follows what.
    static func request(
        _ r: Request, plan planID: UUID, address: String, key: AuditKey, mailConfigured: Bool, on store: Store,
        now: Date
    ) async throws {
        guard mailConfigured else {
            throw LuoshiError.invalid(
                field: "电子邮箱", reason: "本站未开通邮件通知，请用 Atom 订阅 (this site sends no mail: use the Atom feed)")
        }
        let email = r.email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard EmailAddress.isValid(email) else {
            throw LuoshiError.invalid(field: "电子邮箱", reason: "请填写有效的电子邮箱 (a valid e-mail address)")
        }
        try FeedbackService.checkAnswer(r.answer, askedOn: r.day, plan: planID, key: key, now: now)
        guard let release = try await Publication.latest(planID, on: store.db), let content = release.content else {
            throw LuoshiError.notFound(entity: "公开的计划", id: planID.uuidString)
        }
        let code = try FeedbackService.clean(r.item, max: 50, field: "事项")
        var followed: ReleasedItem? = nil
        if let code {
            guard let item = content.items.first(where: { $0.code == code && $0.dropped == nil }) else {
                throw LuoshiError.notFound(entity: "事项", id: code)
            }
            followed = item
        }
        let itemID = followed?.id
        let what = followed.map { "\($0.code) \($0.title)" } ?? "全部事项"
        let whatEnglish = followed.map { "\($0.code) \($0.title)" } ?? "every item"
        let tag = FeedbackService.senderTag(address, key: key)
        let emailTag = String(
            MessageAuthentication.hmacSHA256Hex(Array("follow-email|\(email)".utf8), key: key.bytes).prefix(32))
        try await store.write(.plan(planID), actor: "public", at: now) { tx in
            // Every request counts, whatever comes of it: the answer never tells whether an address follows.
            let recent = try await FollowRequest.query(on: tx.db).filter(\.$senderTag == tag)
                .filter(\.$at > now.addingTimeInterval(-3600)).count()
            guard recent < FollowRules.perHour else {
                throw Abort(
                    .tooManyRequests, headers: ["Retry-After": "3600"],
                    reason: "申请过于频繁，请稍后再试 (too many requests from here: try again later)")
            }
            // Mail to this address lately, from anyone: a day's cap, and one at a time.
            let mailed = try await FollowRequest.query(on: tx.db).filter(\.$emailTag == emailTag)
                .filter(\.$mailed == true).filter(\.$at > now.addingTimeInterval(-86_400)).all()
            let mayMail =
                mailed.count < FollowRules.confirmationsPerAddressPerDay
                && !mailed.contains { now.timeIntervalSince($0.at) < resendAfter }
            var same = Follower.query(on: tx.db).filter(\.$plan.$id == planID).filter(\.$email == email)
                .filter(\.$state ~~ [.pending, .confirmed])
            same = itemID.map { same.filter(\.$item.$id == $0) } ?? same.filter(\.$item.$id == nil)
            let existing = try await same.first()
            let follower: Follower
            if let existing {
                follower = existing
            } else {
                let channel = NotificationChannel()
                channel.id = UUID()
                channel.name = "关注者 (follower)"
                channel.kind = .email
                channel.target = email
                channel.active = true
                channel.createdAt = now
                try await channel.create(on: tx.db)
                follower = Follower()
                follower.id = UUID()
                follower.$plan.id = planID
                follower.$item.id = itemID
                follower.email = email
                follower.state = .pending
                follower.$channel.id = channel.id
                follower.senderTag = tag
                // The lapse counts from here; asking again does not move it.
                follower.requestedAt = now
                try await follower.save(on: tx.db)
            }
            // Already following: nothing to send (a stranger could otherwise mail them at will).
            let mail = follower.state == .pending && mayMail
            try await FollowRequest(senderTag: tag, emailTag: emailTag, mailed: mail, at: now).create(on: tx.db)
            // Never the address: the log keeps what it is given for ever.
            tx.record(
                .followRequest, .follower, follower.id!,
                after: ["plan": planID.uuidString, "item": code ?? "", "mailed": mail ? "yes" : "no"])
            guard mail else { return }
            var outbox = Outbox.direct
            outbox.add(
                OutboxMessage(
                    kind: .followConfirm, title: "请确认关注：\(what) (confirm following)",
                    body: """
                        您（或有人用您的邮箱）申请关注《\(content.title)》中的「\(what)」：其状态、数据或对群众留言的答复有变化时，本站发邮件告知。
                        请打开下面的链接确认。如非本人申请，请忽略本邮件：\(FollowRules.confirmDays) 天内不确认，该邮箱即从本站删除。

                        You (or someone using your address) asked to follow "\(whatEnglish)" in "\(content.title)": this site mails you when its status, figure or answers to feedback change. Open the link below to confirm. If it was not you, ignore this mail: unconfirmed, the address is erased within \(FollowRules.confirmDays) days.
                        """,
                    link: path(follower.id!, key: key)),
                channels: [follower.$channel.id].compactMap { $0 })
            try await outbox.flush(on: tx.db, now: now)
        }
    }

    /// Confirms or stops, from the follower's page (or a mail program's one-click unsubscribe).
    static func act(_ follower: Follower, stop: Bool, view: PublicPlan?, on store: Store, now: Date) async throws {
        try await store.write(.plan(follower.$plan.id), actor: "public", at: now) { tx in
            guard let f = try await Follower.find(follower.id!, on: tx.db) else { return }
            if stop {
                let before = f.state
                guard before == .pending || before == .confirmed else { return }
                try await erase(f, as: .ended, on: tx.db, now: now)
                tx.record(
                    .followStop, .follower, f.id!, before: ["state": before.rawValue],
                    after: ["state": FollowState.ended.rawValue])
                return
            }
            guard f.state == .pending else {
                if f.state == .confirmed { return }
                throw LuoshiError.conflict(
                    reason: "关注已取消或已失效，请重新申请 (this request has ended or lapsed: ask again)")
            }
            f.state = .confirmed
            f.confirmedAt = now
            // Told from now on: what stands today is the starting point, not news.
            if let view {
                f.setTold(
                    watched(view, item: f.$item.id, answers: try await answerCounts(plan: f.$plan.id, on: tx.db)),
                    at: now)
            }
            try await f.save(on: tx.db)
            tx.record(.followConfirm, .follower, f.id!, after: ["state": FollowState.confirmed.rawValue])
        }
    }

    /// Ends a following: the address goes from the follower and its channel, and with it what the mail queue
    /// kept that could lead back to it (the link's code, a relay's answers); queued mail to it fails.
    static func erase(_ f: Follower, as state: FollowState, on db: any Database, now: Date) async throws {
        f.state = state
        f.email = nil
        f.endedAt = now
        try await f.save(on: db)
        guard let channel = try await f.$channel.get(on: db) else { return }
        channel.target = "—"
        channel.active = false
        try await channel.save(on: db)
        let sql = db as! any SQLDatabase
        try await sql.update(DeliveryAttempt.schema).set("answer", to: "—")
            .where(
                "delivery_id", .in,
                SQLSubquery.select { $0.column("id").from(Delivery.schema).where("channel_id", .equal, channel.id!) }
            ).run()
        try await sql.update(Delivery.schema).set("link", to: String?.none).set("last_error", to: String?.none)
            .where("channel_id", .equal, channel.id!).run()
    }

    /// What a follower of `item` (nil: the whole plan) watches now. On the whole plan that is every item
    /// (a dropped one says so), and the answers to feedback on the plan as a whole (as an item without a number).
    static func watched(_ view: PublicPlan, item: UUID?, answers: [UUID?: Int]) -> [WatchedItem] {
        let items = view.content.items.filter {
            item == nil ? $0.kind != .area && $0.kind != .theme : $0.id == item
        }
        var out = items.map { i in
            WatchedItem(
                code: i.code, title: i.title, status: view.status(i).status,
                figure: view.latest(i).map { _ in PublicPages.figure(i, view.latest(i)) }, answers: answers[i.id] ?? 0,
                dropped: i.dropped.map { $0.isEmpty ? "—" : $0 })
        }
        if item == nil {
            out.append(
                WatchedItem(
                    code: "", title: "对计划整体的留言 (feedback on the plan)", status: .notStarted, figure: nil,
                    answers: answers[nil] ?? 0))
        }
        return out
    }

    /// Tells every confirmed follower what changed since they were last told, one mail each; returns the
    /// number of mails queued. Each plan in its own write, which reads the plan and the followers again: two
    /// servers running this at once tell each change once, and never from an older view.
    @discardableResult
    static func tell(on store: Store, base: String, key: AuditKey, now: Date) async throws -> Int {
        let followers = try await Follower.query(on: store.db).filter(\.$state == .confirmed).all()
        var sent = 0
        for planID in Set(followers.map(\.$plan.id)) {
            let view: PublicPlan
            do { view = try await Publication.view(planID, on: store.db, now: now) } catch { continue }
            let answers = try await answerCounts(plan: planID, on: store.db)
            // Most passes nothing changed: found out without a write.
            let stale = followers.filter { f in
                f.$plan.id == planID && f.told != Follower.encode(watched(view, item: f.$item.id, answers: answers))
            }
            if stale.isEmpty { continue }
            sent += try await store.write(.plan(planID), actor: "system", at: now) { tx in
                let view = try await Publication.view(planID, on: tx.db, now: now)
                let answers = try await answerCounts(plan: planID, on: tx.db)
                var outbox = Outbox.direct
                var count = 0
                for f in try await Follower.query(on: tx.db).filter(\.$id ~~ stale.map { $0.id! })
                    .filter(\.$state == .confirmed).all()
                {
                    let current = watched(view, item: f.$item.id, answers: answers)
                    let changes = FollowRules.changes(before: f.toldItems, now: current)
                    f.setTold(current, at: now)
                    try await f.save(on: tx.db)
                    guard !changes.isEmpty, let channel = f.$channel.id else { continue }
                    let mail = FollowRules.mail(
                        planTitle: view.content.title, changes: changes,
                        pageURL: { code in
                            base
                                + (code.isEmpty
                                    ? SiteURL.publicPlan(planID).path
                                    : SiteURL.publicItem(plan: planID, code: code).path)
                        })
                    outbox.add(
                        OutboxMessage(
                            kind: .followUpdate, title: mail.subject, body: mail.body, link: path(f.id!, key: key)),
                        channels: [channel])
                    count += 1
                }
                try await outbox.flush(on: tx.db, now: now)
                return count
            }
        }
        return sent
    }

    /// Answered feedback by item (nil: on the plan as a whole).
    static func answerCounts(plan: UUID, on db: any Database) async throws -> [UUID?: Int] {
        var answers: [UUID?: Int] = [:]
        for f in try await Feedback.query(on: db).filter(\.$plan.$id == plan).filter(\.$state == .answered).all() {
            answers[f.$item.id, default: 0] += 1
        }
        return answers
    }

    /// Erases the addresses of requests never confirmed in time; returns how many. Under each plan's lock,
    /// read again there: a request confirmed a moment ago stays.
    @discardableResult
    static func lapseUnconfirmed(on store: Store, now: Date) async throws -> Int {
        let today = CivilDay(now, calendar: .beijing)
        @Sendable func due(_ f: Follower) -> Bool {
            f.state == .pending
                && FollowRules.lapsed(requestedOn: CivilDay(f.requestedAt, calendar: .beijing), today: today)
        }
        let candidates = try await Follower.query(on: store.db).filter(\.$state == .pending).all().filter(due)
        var lapsed = 0
        for planID in Set(candidates.map(\.$plan.id)) {
            lapsed += try await store.write(.plan(planID), actor: "system", at: now) { tx in
                var n = 0
                for f in try await Follower.query(on: tx.db).filter(\.$id ~~ candidates.map { $0.id! })
                    .filter(\.$plan.$id == planID).all() where due(f)
                {
                    try await erase(f, as: .lapsed, on: tx.db, now: now)
                    tx.record(
                        .followLapse, .follower, f.id!, before: ["state": FollowState.pending.rawValue],
                        after: ["state": FollowState.lapsed.rawValue])
                    n += 1
                }
                return n
            }
        }
        return lapsed
    }
}
