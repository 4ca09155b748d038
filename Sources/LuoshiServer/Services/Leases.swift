import Fluent
import Foundation

/// Background work that one app server of several should do at a time. A server takes the lease when it is
/// free or has run out, and renews it while it works; the taking is a write in the office's order (on
/// PostgreSQL an advisory lock every server shares), so two servers never both take it.
enum Leases {
    /// How long a lease holds without renewal: a holder that stops renewing (killed) hands the work on
    /// within this.
    static let term: TimeInterval = 150

    /// Whether `holder` has the lease `name` now (taken or renewed until `now + term`).
    static func take(_ name: String, holder: String, on store: Store, now: Date = Date()) async throws -> Bool {
        try await store.write(.office, actor: "system", at: now) { tx in
            if let lease = try await BackgroundLease.find(name, on: tx.db) {
                guard lease.holder == holder || lease.until < now else { return false }
                lease.holder = holder
                lease.until = now.addingTimeInterval(term)
                try await lease.save(on: tx.db)
                return true
            }
            let lease = BackgroundLease()
            lease.id = name
            lease.holder = holder
            lease.until = now.addingTimeInterval(term)
            try await lease.create(on: tx.db)
            return true
        }
    }

    /// Gives the lease up (a server shutting down), so another takes it at once rather than after `term`.
    static func release(_ name: String, holder: String, on store: Store, now: Date = Date()) async throws {
        try await store.write(.office, actor: "system", at: now) { tx in
            guard let lease = try await BackgroundLease.find(name, on: tx.db), lease.holder == holder else { return }
            lease.until = .distantPast
            try await lease.save(on: tx.db)
        }
    }
}
