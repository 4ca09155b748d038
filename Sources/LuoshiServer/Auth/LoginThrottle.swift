import Fluent
import Foundation
import LuoshiCore
import SQLKit
import Vapor

/// How failed sign-ins slow down whoever makes them.
///
/// Failures count per address: 5 for one username from one address, or 20 for any usernames from one
/// address, within a day. Past that, each further attempt from that address must wait twice as long as
/// the one before (1 minute, 2, 4 … up to a day) after the latest failure. Nobody can lock an owner
/// out from elsewhere: the owner's own address has its own count. Times are the server's real clock,
/// never the demo's pinned one, so a wait always ends.
enum LoginThrottle {
    static let window: TimeInterval = 24 * 3600
    static let perUsername = 5
    static let perAddress = 20
    static let firstWait: TimeInterval = 60

    /// The wait after the latest failure before attempt number `count` (counting itself) may go on.
    static func wait(count: Int, limit: Int) -> TimeInterval {
        guard count > limit else { return 0 }
        let doublings = min(count - limit - 1, 20)
        return min(firstWait * Double(1 << doublings), window)
    }

    /// Lets an attempt through, or refuses it (429 with `Retry-After`). The attempt's own record is
    /// already in the table: every attempt made at the same moment counts in every other's check.
    static func admit(_ attempt: LoginAttempt, on db: any Database) async throws {
        // Counted by the database, in one statement: a flood of attempts costs one row read each.
        let row = try await (db as! any SQLDatabase).raw(
            """
            SELECT COUNT(*) AS n, MAX(at) AS latest,
            SUM(CASE WHEN username = \(bind: attempt.username) THEN 1 ELSE 0 END) AS n_name,
            MAX(CASE WHEN username = \(bind: attempt.username) THEN at END) AS latest_name
            FROM \(ident: LoginAttempt.schema)
            WHERE address = \(bind: attempt.address) AND at > \(bind: attempt.at.addingTimeInterval(-window))
            AND id <> \(bind: attempt.id!)
            """
        ).first()
        guard let row else { return }
        var retryAfter: TimeInterval = 0
        for (count, latest, limit) in [
            (
                try row.decode(column: "n_name", as: Int?.self) ?? 0,
                try row.decode(column: "latest_name", as: Date?.self),
                perUsername
            ),
            (try row.decode(column: "n", as: Int.self), try row.decode(column: "latest", as: Date?.self), perAddress),
        ] {
            let wait = wait(count: count + 1, limit: limit)
            guard wait > 0, let latest else { continue }
            retryAfter = max(retryAfter, latest.addingTimeInterval(wait).timeIntervalSince(attempt.at))
        }
        guard retryAfter > 0 else { return }
        let seconds = Int(retryAfter.rounded(.up))
        let minutes = max(1, (seconds + 59) / 60)
        throw Abort(
            .tooManyRequests, headers: ["Retry-After": String(seconds)],
            reason: "登录失败次数过多，请 \(minutes) 分钟后再试 (too many failed sign-ins: try again in \(minutes) min)")
    }
}

extension Request {
    /// The client's address: the connection's, or, from a proxy the operator trusts, the address it
    /// says it serves (`X-Forwarded-For`).
    var clientAddress: String {
        let peer = remoteAddress?.ipAddress ?? "unknown"
        return ClientAddress.resolve(
            peer: peer, forwardedFor: headers[.xForwardedFor], trusted: application.luoshi.trustedProxies)
    }

    /// What this request's sign-in attempt counts against: the client's IPv4 address or IPv6 /64.
    var signInAddress: String { ClientAddress.throttleKey(clientAddress) }
}
