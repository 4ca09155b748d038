import Fluent
import Foundation
import LuoshiCore
import NIOCore
import Testing
import Vapor
import VaporTesting

@testable import LuoshiServer

extension ServerTests {
    @Test("证明材料：按类型和大小检查，只给有权的人看 (evidence: checked by kind and size, shown only to those who may)")
    func evidence() async throws {
        try await TestApp.with { app in
            let (item, reporter) = try await app.assignedItem()
            let unit = try await app.signIn(reporter.username)
            let boundary = "evidence-boundary"
            func multipart(_ files: [(String, [UInt8])]) -> ByteBuffer {
                var body = Data()
                func field(_ name: String, _ value: String) {
                    body += Data(
                        "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
                }
                field("period", "2015-06")
                field("percentComplete", "60")
                field("narrative", "完成招标，附中标通知书。")
                for (name, bytes) in files {
                    body += Data(
                        "--\(boundary)\r\nContent-Disposition: form-data; name=\"evidence[]\"; filename=\"\(name)\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                            .utf8)
                    body += Data(bytes)
                    body += Data("\r\n".utf8)
                }
                body += Data("--\(boundary)--\r\n".utf8)
                return ByteBuffer(bytes: body)
            }
            var headers = unit.headers
            headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
            let pdf: [UInt8] = Array("%PDF-1.4\n中标通知书\n%%EOF".utf8)
            var reportID = UUID()
            try await app.testing().test(
                .POST, "/api/v1/items/\(item.id!)/reports", headers: headers, body: multipart([("中标通知书.pdf", pdf)])
            ) { res throws in
                #expect(res.status == .created, "\(res.body.string)")
                reportID = try res.content.decode(APIController.ReportView.self).id
            }
            let file = try #require(try await Evidence.query(on: app.db).filter(\.$report.$id == reportID).first())
            #expect(file.filename == "中标通知书.pdf")
            #expect(file.size == pdf.count)
            // The bytes are kept outside any public path, by id.
            let stored = EvidenceStore.path(file.id!, in: app.luoshi.evidenceDirectory)
            #expect(FileManager.default.contents(atPath: stored) == Data(pdf))
            defer { try? FileManager.default.removeItem(atPath: stored) }
            // Who may read it.
            let deputy = try await app.signIn("daibiao")
            try await app.testing().test(.GET, "/evidence/\(file.id!)", headers: deputy.headers) { res throws in
                #expect(res.status == .ok)
                #expect(res.headers.contentType?.subType == "pdf")
                #expect(res.headers.first(name: "X-Content-Type-Options") == "nosniff")
                #expect(Array(res.body.readableBytesView) == pdf)
            }
            let stranger = try await User.query(on: app.db).filter(\.$role == .reporter)
                .filter(\.$organization.$id != reporter.$organization.id!).first()
            let other = try await app.signIn(try #require(stranger).username)
            // Unless the stranger's unit leads the item, they may not read it.
            try await app.testing().test(.GET, "/evidence/\(file.id!)", headers: other.headers) { res throws in
                #expect(res.status == .forbidden)
            }
            try await app.testing().test(.GET, "/evidence/\(file.id!)") { res throws in
                #expect(res.status == .seeOther)  // to the sign-in page
            }
            // Refused files: a kind not allowed, content that is not what the name says; nothing is written.
            let before = try await ProgressReport.query(on: app.db).count()
            for (name, bytes) in [("run.exe", [UInt8](repeating: 0x4D, count: 10)), ("photo.png", pdf)] {
                try await app.testing().test(
                    .POST, "/api/v1/items/\(item.id!)/reports", headers: headers, body: multipart([(name, bytes)])
                ) { res throws in
                    #expect(res.status == .unprocessableEntity, "\(name)")
                    #expect(try res.content.get(String.self, at: "error", "message").contains(name))
                }
            }
            #expect(try await ProgressReport.query(on: app.db).count() == before)
        }
    }
}
