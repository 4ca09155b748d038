import Fluent
import Foundation
import LuoshiCore
import SQLKit
import Vapor

/// Citizens' feedback: received from the public site, moderated by staff, answered by the unit it is
/// routed to, its contact erased in time. Every step is an audited write; a contact is never in the log.
enum FeedbackService {
    /// The feedback form as posted (no account, no session).
    struct Submission: Content {
        /// The item's number, or empty for the plan as a whole.
        var item: String?
        var name: String?
        var contact: String?
        var text: String
        /// The day the question was asked for (ISO) and its answer.
        var day: String
        var answer: String
    }

    /// The question of a day for a plan: the same for everyone that day, so pages stay cacheable, and
    /// keyed by the server's secret, so it cannot be known ahead.
    static func question(key: AuditKey, plan: UUID, day: CivilDay) -> (Int, Int) {
        FeedbackRules.operands(
            MessageAuthentication.hmacSHA256(
                Array("feedback-question|\(plan)|\(Breakdown.iso(day))".utf8), key: key.bytes))
    }

    /// A digest of the sender's address for the rate limit: the address itself is not kept.
    static func senderTag(_ address: String, key: AuditKey) -> String {
        String(
            MessageAuthentication.hmacSHA256Hex(
                Array("feedback-sender|\(ClientAddress.throttleKey(address))".utf8), key: key.bytes
            ).prefix(32))
    }

    /// The question of today or yesterday (a form left open overnight), answered; what every public form
    /// that writes asks.
    static func checkAnswer(_ answer: String, askedOn day: String, plan: UUID, key: AuditKey, now: Date) throws {
        let today = CivilDay(now, calendar: .beijing)
        guard let asked = CivilDay(day), asked == today || asked == today.adding(days: -1) else {
            throw LuoshiError.invalid(field: "验证问题", reason: "问题已过期，请重新回答 (the question has expired: answer it again)")
        }
        let (a, b) = question(key: key, plan: plan, day: asked)
        guard FeedbackRules.accepts(answer, a, b) else {
            throw LuoshiError.invalid(field: "验证问题", reason: "答案不对，请再算一下 (that is not the answer)")
        }
    }

    static func clean(_ s: String?, max: Int, field: String) throws -> String? {
        let t = (s ?? "").storable.trimmingCharacters(in: .whitespacesAndNewlines)
        guard t.count <= max else {
            throw LuoshiError.invalid(field: field, reason: "最多 \(max) 字 (at most \(max) characters)")
        }
        return t.isEmpty ? nil : t
    }

    /// A phone number or an e-mail address, as people type them.
    static func contact(_ s: String?) throws -> String? {
        guard let t = try clean(s, max: 100, field: "联系方式") else { return nil }
        let digits = t.filter(\.isNumber)
        let phone = t.allSatisfy { $0.isNumber || " +-()（）".contains($0) } && (7...20).contains(digits.count)
        guard phone || EmailAddress.isValid(t) else {
            throw LuoshiError.invalid(field: "联系方式", reason: "请填写电话号码或电子邮箱 (a phone number or an e-mail address)")
        }
        return t
    }

    static func submit(
        _ s: Submission, plan planID: UUID, photo: EvidenceStore.Checked? = nil, photoDirectory: String = "",
        address: String, key: AuditKey, on store: Store, now: Date
    ) async throws -> Feedback {
        guard let text = try clean(s.text, max: 2000, field: "留言") else {
            throw LuoshiError.invalid(field: "留言", reason: "请写下您的意见或建议 (write your feedback)")
        }
        let name = try clean(s.name, max: 50, field: "称呼")
        let contact = try contact(s.contact)
        try checkAnswer(s.answer, askedOn: s.day, plan: planID, key: key, now: now)
        guard let release = try await Publication.latest(planID, on: store.db), let content = release.content else {
            throw LuoshiError.notFound(entity: "公开的计划", id: planID.uuidString)
        }
        let itemID: UUID?
        if let code = try clean(s.item, max: 50, field: "事项") {
            guard let item = content.items.first(where: { $0.code == code && $0.dropped == nil }) else {
                throw LuoshiError.notFound(entity: "事项", id: code)
            }
            itemID = item.id
        } else {
            itemID = nil
        }
        let tag = senderTag(address, key: key)
        // The photo first, outside the transaction; removed again if the transaction fails.
        let written = try EvidenceStore.write(photo.map { [$0] } ?? [], to: photoDirectory)
        do {
            return try await record(
                text: text, name: name, contact: contact, item: itemID, code: s.item, photo: photo, plan: planID,
                tag: tag, on: store, now: now)
        } catch {
            for p in written { try? FileManager.default.removeItem(atPath: p) }
            throw error
        }
    }

    private static func record(
        text: String, name: String?, contact: String?, item itemID: UUID?, code: String?,
        photo: EvidenceStore.Checked?, plan planID: UUID, tag: String, on store: Store, now: Date
    ) async throws -> Feedback {
        try await store.write(.plan(planID), actor: "public", at: now) { tx in
            // Counted inside the write: feedback sent at the same moment counts in each other's check.
            let hour = try await Feedback.query(on: tx.db).filter(\.$senderTag == tag)
                .filter(\.$submittedAt > now.addingTimeInterval(-3600)).count()
            let day = try await Feedback.query(on: tx.db).filter(\.$senderTag == tag)
                .filter(\.$submittedAt > now.addingTimeInterval(-86_400)).count()
            guard hour < FeedbackRules.perHour, day < FeedbackRules.perDay else {
                throw Abort(
                    .tooManyRequests, headers: ["Retry-After": hour >= FeedbackRules.perHour ? "3600" : "86400"],
                    reason: "留言过于频繁，请稍后再试 (too much feedback from here: try again later)")
            }
            let f = Feedback(
                plan: planID, item: itemID, name: name, contact: contact, text: text, senderTag: tag, at: now)
            f.photoID = photo?.id
            f.photoType = photo?.contentType
            f.photoSHA256 = photo?.sha256
            try await f.create(on: tx.db)
            // Never the contact: the log keeps what it is given for ever.
            tx.record(
                .feedbackSubmit, .feedback, f.id!,
                after: ["item": code ?? "", "name": name ?? "匿名", "text": text, "photo": photo?.sha256 ?? ""])
            return f
        }
    }

    struct Moderation: Content {
        /// "publish" or "hide".
        var action: String
        var reason: String?
        /// The unit that answers (for publishing); the item's lead unit when not given.
        var unit: String?
    }

    static func moderate(_ id: UUID, _ m: Moderation, actor: User, on store: Store, now: Date) async throws {
        guard actor.role == .admin else { throw LuoshiError.forbidden(reason: "只有督查办可以审核留言 (staff only)") }
        guard let found = try await Feedback.find(id, on: store.db) else {
            throw LuoshiError.notFound(entity: "留言", id: id.uuidString)
        }
        let reason = try clean(m.reason, max: 500, field: "理由")
        try await store.write(.plan(found.$plan.id), actor: actor.username, at: now) { tx in
            guard let f = try await Feedback.find(id, on: tx.db) else {
                throw LuoshiError.notFound(entity: "留言", id: id.uuidString)
            }
            let before = f.state
            switch m.action {
            case "publish":
                guard f.state == .received || f.state == .hidden else {
                    throw LuoshiError.conflict(reason: "留言已公开 (already published)")
                }
                var unit = m.unit.flatMap(UUID.init(uuidString:))
                if unit == nil, let item = f.$item.id {
                    unit = try await Assignment.query(on: tx.db).filter(\.$item.$id == item).first()?.$leadUnit.id
                }
                guard let unit, try await Organization.find(unit, on: tx.db) != nil else {
                    throw LuoshiError.invalid(field: "答复单位", reason: "请指定答复单位 (choose the unit that answers)")
                }
                // Only a unit of the plan's own government answers its feedback.
                let plan = try await PlanStore.find(f.$plan.id.uuidString, on: tx.db)
                try await Jurisdiction.serving(plan, on: tx.db).require("unitID", unit, entity: "答复单位", on: tx.db)
                f.$unit.id = unit
                f.state = .published
                f.hiddenReason = nil
                // Published again: its answer is due anew, and supervised anew.
                f.remindedAt = nil
                f.lateAt = nil
            case "hide":
                guard f.state != .answered else { throw LuoshiError.conflict(reason: "已答复的留言不能隐藏 (already answered)") }
                guard let reason else {
                    throw LuoshiError.invalid(field: "理由", reason: "请说明不予公开的理由 (say why it is not published)")
                }
                f.state = .hidden
                f.hiddenReason = reason
            default:
                throw LuoshiError.invalid(field: "action", reason: "应为 publish 或 hide")
            }
            f.moderatedBy = actor.username
            f.moderatedAt = now
            try await f.save(on: tx.db)
            tx.record(
                .feedbackModerate, .feedback, id, before: ["state": before.rawValue],
                after: [
                    "state": f.state.rawValue, "unit": f.$unit.id?.uuidString ?? "", "reason": f.hiddenReason ?? "",
                ])
        }
    }

    struct Answer: Content { var text: String }

    /// The routed unit's reporter answers (or staff for it); the answer is shown under the feedback.
    static func answer(_ id: UUID, _ a: Answer, actor: User, on store: Store, now: Date) async throws {
        guard let text = try clean(a.text, max: 5000, field: "答复") else {
            throw LuoshiError.invalid(field: "答复", reason: "请写下答复 (write the answer)")
        }
        guard let found = try await Feedback.find(id, on: store.db) else {
            throw LuoshiError.notFound(entity: "留言", id: id.uuidString)
        }
        try await store.write(.plan(found.$plan.id), actor: actor.username, at: now) { tx in
            guard let f = try await Feedback.find(id, on: tx.db) else {
                throw LuoshiError.notFound(entity: "留言", id: id.uuidString)
            }
            let mayAnswer = actor.role == .admin || FeedbackService.isAnsweringUnit(actor, of: f)
            // Another unit's feedback is not found for it, as with reports.
            guard mayAnswer else {
                if actor.role == .reporter { throw LuoshiError.notFound(entity: "留言", id: id.uuidString) }
                throw LuoshiError.forbidden(reason: "只有答复单位可以答复 (only the unit it was routed to answers)")
            }
            guard f.state == .published else {
                throw LuoshiError.conflict(
                    reason: f.state == .answered ? "已经答复 (already answered)" : "留言尚未公开 (not published yet)")
            }
            f.answer = text
            f.answeredBy = actor.displayName
            f.answeredAt = now
            f.state = .answered
            try await f.save(on: tx.db)
            tx.record(.feedbackAnswer, .feedback, id, after: ["answer": text])
            // The 督办单 its lateness brought is done with: closed, so it escalates no further.
            for notice in try await SupervisionNotice.query(on: tx.db).filter(\.$triggerKey == "feedback:\(id)")
                .filter(\.$state ~~ NoticeState.allCases.filter(\.isOpen)).all()
            {
                let before = notice.state
                notice.state = .closed
                notice.closedAt = now
                notice.closingNote = "群众留言已答复 (the feedback was answered)"
                try await notice.save(on: tx.db)
                tx.record(
                    .noticeClose, .notice, notice.id!, before: ["state": before.rawValue],
                    after: ["state": NoticeState.closed.rawValue, "note": notice.closingNote ?? ""])
            }
        }
    }

    /// Whether `user` is a reporter of the unit the feedback was routed to.
    static func isAnsweringUnit(_ user: User, of f: Feedback) -> Bool {
        user.role == .reporter && user.$organization.id != nil && user.$organization.id == f.$unit.id
    }

    /// Who reads a feedback (and its photo) inside Luoshi: staff all of it; the answering unit and leaders
    /// once it is published; deputies read it published, without the photo. The list's query says the same.
    static func mayRead(_ f: Feedback, viewer: User, photo: Bool = false) -> Bool {
        let shown = f.state == .published || f.state == .answered
        switch viewer.role {
        case .admin: return true
        case .leader: return shown
        case .reporter: return shown && isAnsweringUnit(viewer, of: f)
        case .deputy: return shown && !photo
        }
    }

    /// Erases the contacts whose retention has passed since the answer; returns how many.
    @discardableResult
    static func eraseExpiredContacts(on store: Store, now: Date) async throws -> Int {
        let today = CivilDay(now, calendar: .beijing)
        let due = try await Feedback.query(on: store.db).filter(\.$contact != nil).filter(\.$state == .answered).all()
            .filter {
                FeedbackRules.contactExpired(
                    answeredOn: $0.answeredAt.map { CivilDay($0, calendar: .beijing) }, today: today)
            }
        guard !due.isEmpty else { return 0 }
        try await store.write(.office, actor: "system", at: now) { tx in
            for f in due {
                f.contact = nil
                f.contactErasedAt = now
                try await f.save(on: tx.db)
                tx.record(.feedbackErase, .feedback, f.id!, after: ["contactErased": true])
            }
        }
        return due.count
    }

    /// What the public sees of a plan's feedback: published and answered, oldest first; never a contact.
    static func shown(plan: UUID, on db: any Database) async throws -> [Feedback] {
        try await Feedback.query(on: db).filter(\.$plan.$id == plan).filter(\.$state ~~ [.published, .answered])
            .sort(\.$submittedAt).all()
    }
}
