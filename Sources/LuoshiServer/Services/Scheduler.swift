import Fluent
import Foundation
import LuoshiCore
import SQLKit
import Vapor

/// Runs inside `luoshi serve`: a supervision pass every minute, and the delivery worker. Both keep their
/// state in the database. The minute's work (the pass, following mails, erasing expired contacts) is done by
/// the one server holding the `supervision` lease (`Leases`); the delivery worker runs on every server, its
/// claims shared through the database.
final class BackgroundWork: LifecycleHandler, @unchecked Sendable {
    private var tasks: [Task<Void, Never>] = []
    /// This process, as a lease holder.
    let holder = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UUID())"

    func didBootAsync(_ app: Application) async throws {
        let directory = app.luoshi.evidenceDirectory
        if let moved = try? await EvidenceStore.sweepOrphans(in: directory, on: app.db), !moved.isEmpty {
            app.logger.warning(
                "evidence files without a record moved aside",
                metadata: ["count": "\(moved.count)", "to": "\(directory)/orphaned"])
        }
        Self.checkpoint(app)
        let passes = Task {
            var minutes = 0
            var held = false
            var lastLook: SupervisionLook?
            while !Task.isCancelled {
                // The audit log's head, written down outside the database each hour.
                minutes += 1
                if minutes % 60 == 0 { Self.checkpoint(app) }
                // Another server does the minute's work while it holds the lease; this one looks again next minute.
                let mine: Bool
                do {
                    mine = try await Leases.take("supervision", holder: self.holder, on: app.store)
                } catch {
                    app.logger.error("taking the supervision lease failed", metadata: ["error": "\(error)"])
                    mine = false
                }
                if mine != held {
                    app.logger.notice(
                        mine ? "this server does the supervision work" : "another server does the supervision work",
                        metadata: ["holder": "\(self.holder)"])
                    held = mine
                }
                if !mine {
                    // Taken again later, the lease starts with a look at every plan.
                    lastLook = nil
                    try? await Task.sleep(for: .seconds(60))
                    continue
                }
                // Contacts left with answered feedback past their retention, erased each hour.
                if minutes % 60 == 1 {
                    do {
                        let erased = try await FeedbackService.eraseExpiredContacts(on: app.store, now: app.clock.now())
                        if erased > 0 { app.logger.info("feedback contacts erased", metadata: ["count": "\(erased)"]) }
                    } catch {
                        app.logger.error("erasing feedback contacts failed", metadata: ["error": "\(error)"])
                    }
                    do {
                        let lapsed = try await Following.lapseUnconfirmed(on: app.store, now: app.clock.now())
                        if lapsed > 0 {
                            app.logger.info("unconfirmed followers erased", metadata: ["count": "\(lapsed)"])
                        }
                    } catch {
                        app.logger.error("erasing unconfirmed followers failed", metadata: ["error": "\(error)"])
                    }
                }
                // Followers told of what changed on the public pages, every five minutes.
                if minutes % 5 == 0 {
                    do {
                        let told = try await Following.tell(
                            on: app.store, base: PublicData.base(app.luoshi), key: app.auditKey, now: app.clock.now())
                        if told > 0 { app.logger.info("followers told", metadata: ["mails": "\(told)"]) }
                    } catch {
                        app.logger.error("telling followers failed", metadata: ["error": "\(error)"])
                    }
                }
                do {
                    // Most minutes there is nothing to send: find that out without taking the write lock, and
                    // looking only at what may have changed since the last look (`SupervisionLook`).
                    let now = app.clock.now()
                    var look = try await Self.look(at: now, on: app.db)
                    let due = look.due(after: lastLook)
                    // Until this minute's work is done, the next minute looks at everything.
                    lastLook = nil
                    if due?.isEmpty == true {
                        lastLook = look
                        try? await Task.sleep(for: .seconds(60))
                        continue
                    }
                    let dry = try await Supervisor.pass(at: now, dryRun: true, only: due, on: app.store)
                    let result =
                        dry.actions.isEmpty
                        ? dry : try await Supervisor.pass(at: now, only: dry.plansActed, on: app.store)
                    // The counters as read before the look, so a write during it is looked at next minute; a
                    // plan whose part failed (rolled back, its counter unmoved) is looked at again next minute.
                    for failed in dry.plansFailed.union(result.plansFailed) { look.plans[failed] = -1 }
                    lastLook = look
                    for failure in result.failures {
                        app.logger.error("supervision of a plan failed", metadata: ["failure": "\(failure)"])
                    }
                    if !result.actions.isEmpty {
                        await app.snapshots.invalidate()
                        // What a pass sent is for the operator's eye: at the level `serve` prints.
                        app.logger.notice(
                            "supervision pass",
                            metadata: [
                                "reminders": "\(result.count(.reminder))", "notices": "\(result.count(.notice))",
                                "escalations": "\(result.count(.escalation))", "messages": "\(result.messages)",
                                "seconds": "\(result.seconds)",
                            ])
                    }
                } catch {
                    app.logger.error("supervision pass failed", metadata: ["error": "\(String(reflecting: error))"])
                }
                try? await Task.sleep(for: .seconds(60))
            }
        }
        let deliveries = Task {
            let inFlight = Deliveries.InFlight()
            while !Task.isCancelled {
                var busy = false
                do {
                    busy = try await Deliveries.work(app: app, inFlight: inFlight)
                } catch {
                    app.logger.error("delivery queue failed", metadata: ["error": "\(String(reflecting: error))"])
                }
                // Straight on while there is work; a quiet queue is looked at twice a second.
                try? await Task.sleep(for: .milliseconds(busy ? 5 : 500))
            }
        }
        tasks = [passes, deliveries]
    }

    /// The clock and the write counters, for `SupervisionLook`.
    static func look(at now: Date, on db: any Database) async throws -> SupervisionLook {
        var plans: [UUID: Int] = [:]
        var directory = 0
        for row in try await (db as! any SQLDatabase).select().columns("scope", "version").from("write_versions")
            .all()
        {
            let scope = try row.decode(column: "scope", as: String.self)
            let version = try row.decode(column: "version", as: Int.self)
            if scope == WriteScope.directory.versionKey {
                directory = version
            } else if scope.hasPrefix("plan:"), let id = UUID(uuidString: String(scope.dropFirst(5))) {
                plans[id] = version
            }
        }
        let calendar = Calendar.beijing
        return SupervisionLook(
            day: CivilDay(now, calendar: calendar), hour: calendar.component(.hour, from: now), directory: directory,
            plans: plans)
    }

    /// Writes the audit log's head to the checkpoint file, and to the log for an operator to keep.
    static func checkpoint(_ app: Application) {
        Task {
            do {
                if let line = try Checkpoints.write(try await Audit.tail(on: app.db), key: app.auditKey, at: Date()) {
                    app.logger.notice(
                        "audit checkpoint", metadata: ["head": "\(line.trimmingCharacters(in: .newlines))"])
                }
            } catch {
                app.logger.error("audit checkpoint failed", metadata: ["error": "\(error)"])
            }
        }
    }

    func shutdownAsync(_ app: Application) async {
        for task in tasks { task.cancel() }
        // Handed on at once, not when the lease runs out.
        try? await Leases.release("supervision", holder: holder, on: app.store)
    }
}
