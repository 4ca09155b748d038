import Fluent
import Foundation
import LuoshiCore
import Vapor

/// A plan's life: a draft is published, a published plan is closed at its year's end. The status is
/// read again inside the write, so two staff pressing the same button record one change, not two.
enum PlanLifecycle {
    struct StatusChange: Encodable {
        var status: PlanStatus
    }

    static func publish(_ planID: UUID, actor: User, on store: Store, now: Date) async throws {
        try await change(planID, from: .draft, to: .published, action: .planPublish, actor: actor, on: store, now: now)
    }

    static func close(_ planID: UUID, actor: User, on store: Store, now: Date) async throws {
        try await change(planID, from: .published, to: .closed, action: .planClose, actor: actor, on: store, now: now)
    }

    /// Takes a closed plan back into use (closed by mistake, or work that runs on): staff say why, and the
    /// reason stays in the audit log with the change.
    static func reopen(_ planID: UUID, reason: String, actor: User, on store: Store, now: Date) async throws {
        let why = reason.storable.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !why.isEmpty else {
            throw LuoshiError.invalid(field: "reason", reason: "请说明重新打开的理由 (say why the plan is reopened)")
        }
        guard why.count <= 500 else {
            throw LuoshiError.invalid(field: "reason", reason: "最多 500 字 (at most 500 characters)")
        }
        try await change(
            planID, from: .closed, to: .published, action: .planReopen, actor: actor, on: store, now: now, reason: why)
    }

    struct Reopening: Encodable {
        var status: PlanStatus
        var reason: String
    }

    private static func change(
        _ planID: UUID, from: PlanStatus, to: PlanStatus, action: AuditAction, actor: User, on store: Store, now: Date,
        reason: String? = nil
    ) async throws {
        try await store.write(.plan(planID), actor: actor.username, at: now) { tx in
            guard let plan = try await Plan.find(planID, on: tx.db) else {
                throw LuoshiError.notFound(entity: "计划", id: planID.uuidString)
            }
            guard plan.status == from else {
                switch (from, plan.status) {
                case (.draft, _): throw LuoshiError.conflict(reason: "计划已发布 (already published)")
                case (.closed, _):
                    throw LuoshiError.conflict(reason: "只有已结束的计划可以重新打开 (only a closed plan can be reopened)")
                default:
                    throw LuoshiError.conflict(reason: "只有已发布的计划可以结束 (only a published plan can be closed)")
                }
            }
            plan.status = to
            if to == .published { plan.publishedAt = now }
            try await plan.save(on: tx.db)
            if let reason {
                tx.record(
                    action, .plan, planID, before: StatusChange(status: from),
                    after: Reopening(status: to, reason: reason))
            } else {
                tx.record(action, .plan, planID, before: StatusChange(status: from), after: StatusChange(status: to))
            }
        }
    }
}
