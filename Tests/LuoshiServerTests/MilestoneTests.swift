import Fluent
import Foundation
import LuoshiCore
import NIOCore
import Testing
import Vapor
import VaporTesting

@testable import LuoshiServer

extension ServerTests {
    @Test("节点：计划与实际日期塑造预期进度；达到全部节点即完成 (milestones shape the expectation; all reached is done)")
    func milestones() async throws {
        try await TestApp.with { app in
            let (item, reporter) = try await app.assignedItem()
            let admin = try #require(try await User.query(on: app.db).filter(\.$username == "duchaban").first())
            let now = app.clock.now()
            // setup: two milestones, the first due in March (60% of the work), the second in December.
            let first = try await Milestones.add(
                .init(name: "完成招标", plannedDate: "2015-03-31", share: "60"), to: item, actor: admin, on: app.store,
                now: now)
            _ = try await Milestones.add(
                .init(name: "竣工验收", plannedDate: "2015-12-20", share: "100"), to: item, actor: admin, on: app.store,
                now: now)
            await #expect(throws: LuoshiError.self) {
                _ = try await Milestones.add(
                    .init(name: "x", plannedDate: "2015-13-01", share: nil), to: item, actor: admin, on: app.store,
                    now: now)
            }
            let caller = try await app.signIn(reporter.username)
            var expected = 0.0
            try await app.testing().test(.GET, "/api/v1/items/\(item.id!)", headers: caller.headers) { res throws in
                let view = try res.content.decode(APIController.ItemView.self)
                #expect(view.milestones.map(\.name) == ["完成招标", "竣工验收"])
                expected = view.status.expected ?? 0
            }
            // By 30 June, past the March milestone: more than the 49% a straight line would expect.
            #expect(expected > 0.6 && expected < 0.75)
            // MUT: the unit records both as reached.
            _ = try await Milestones.reach(first.id!.uuidString, actor: reporter, on: app.store, now: now)
            await #expect(throws: LuoshiError.self) {
                _ = try await Milestones.reach(first.id!.uuidString, actor: reporter, on: app.store, now: now)
            }
            let second = try #require(try await Milestone.query(on: app.db).filter(\.$name == "竣工验收").first())
            _ = try await Milestones.reach(second.id!.uuidString, actor: reporter, on: app.store, now: now)
            // Writes through HTTP tell the page cache at once; these went straight to the service.
            await app.snapshots.invalidate()
            // validate
            try await app.testing().test(.GET, "/api/v1/items/\(item.id!)", headers: caller.headers) { res throws in
                let view = try res.content.decode(APIController.ItemView.self)
                #expect(view.status.status == .done)
                #expect(view.milestones.allSatisfy { $0.actualDate != nil })
            }
            // A reporter of another unit may not record it.
            let stranger = try #require(
                try await User.query(on: app.db).filter(\.$role == .reporter).filter(
                    \.$organization.$id != reporter.$organization.id!
                ).first())
            let third = try await Milestones.add(
                .init(name: "试运行", plannedDate: "2015-09-30", share: "80"), to: item, actor: admin, on: app.store,
                now: now
            )
            await #expect(throws: LuoshiError.self) {
                _ = try await Milestones.reach(third.id!.uuidString, actor: stranger, on: app.store, now: now)
            }
        }
    }
}
