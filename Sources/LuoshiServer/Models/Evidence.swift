import Fluent
import Foundation
import Vapor

/// A file attached to a progress report (a photo, a PDF, an Office file), kept outside any public
/// path and served only to those who may read the report.
final class Evidence: Model, @unchecked Sendable {
    static let schema = "evidence"

    @ID(key: .id) var id: UUID?
    @Parent(key: "report_id") var report: ProgressReport
    @Field(key: "filename") var filename: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "size") var size: Int
    @Field(key: "sha256") var sha256: String
    @Field(key: "uploaded_at") var uploadedAt: Date

    init() {}

    init(id: UUID, reportID: UUID, filename: String, contentType: String, size: Int, sha256: String, uploadedAt: Date) {
        self.id = id
        self.$report.id = reportID
        self.filename = filename
        self.contentType = contentType
        self.size = size
        self.sha256 = sha256
        self.uploadedAt = uploadedAt
    }
}
