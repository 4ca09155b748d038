import Fluent
import Foundation
import LuoshiCore
import SQLKit
import Vapor

/// Evidence files: checked by kind and size, stored under the evidence folder by id (never by the
/// name the user gave), and served only to users who may read the report.
enum EvidenceStore {
    static let maxFileSize = 20 * 1024 * 1024
    static let maxFiles = 10

    /// What may be attached, by extension, with the magic bytes that file must start with (nil: text).
    static let kinds: [String: (type: String, magic: [[UInt8]]?)] = [
        "pdf": ("application/pdf", [[0x25, 0x50, 0x44, 0x46]]),
        "png": ("image/png", [[0x89, 0x50, 0x4E, 0x47]]),
        "jpg": ("image/jpeg", [[0xFF, 0xD8, 0xFF]]),
        "jpeg": ("image/jpeg", [[0xFF, 0xD8, 0xFF]]),
        "gif": ("image/gif", [[0x47, 0x49, 0x46, 0x38]]),
        "webp": ("image/webp", [[0x52, 0x49, 0x46, 0x46]]),
        "docx": (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document", [[0x50, 0x4B, 0x03, 0x04]]
        ),
        "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", [[0x50, 0x4B, 0x03, 0x04]]),
        "pptx": (
            "application/vnd.openxmlformats-officedocument.presentationml.presentation", [[0x50, 0x4B, 0x03, 0x04]]
        ),
        "doc": ("application/msword", [[0xD0, 0xCF, 0x11, 0xE0]]),
        "xls": ("application/vnd.ms-excel", [[0xD0, 0xCF, 0x11, 0xE0]]),
        "txt": ("text/plain; charset=utf-8", nil),
    ]

    struct Checked {
        var id: UUID
        var filename: String
        var contentType: String
        /// Where the file was received (the incoming folder); `write` moves it into place.
        var source: String
        var size: Int
        var sha256: String
    }

    /// A file's name as people will see it and Word will print it: the last path component, without
    /// control characters, bidirectional overrides or the non-characters XML refuses, at most 200
    /// characters (the extension kept).
    static func cleanName(_ raw: String) -> String {
        let base = (raw.replacingOccurrences(of: "\\", with: "/") as NSString).lastPathComponent
        let kept = String(
            String.UnicodeScalarView(
                base.unicodeScalars.filter { u in
                    !(u.value < 0x20 || (0x7F...0x9F).contains(u.value) || u.value == 0xFFFE || u.value == 0xFFFF
                        || (0x202A...0x202E).contains(u.value) || (0x2066...0x2069).contains(u.value))
                })
        ).trimmingCharacters(in: .whitespaces)
        guard kept.count > 200 else { return kept }
        let ext = (kept as NSString).pathExtension
        guard ext.count < 20 else { return String(kept.prefix(200)) }
        let stem = String((kept as NSString).deletingPathExtension.prefix(200 - ext.count - 1))
        return ext.isEmpty ? String(kept.prefix(200)) : stem + "." + ext
    }

    /// Validates the files as received; nothing is kept when one is unacceptable.
    static func check(
        _ files: [ReceivedFile], field: String = "证明材料", allowed: Set<String>? = nil,
        kindsSaid: String = "可用 PDF、图片、Office 文件、文本 (PDF, images, Office files, text)"
    ) throws -> [Checked] {
        // A form's file field left empty still sends a part, with no name and no bytes.
        let present = files.filter { !$0.filename.isEmpty }
        guard present.count <= maxFiles else {
            throw LuoshiError.invalid(field: field, reason: "最多 \(maxFiles) 个文件 (at most \(maxFiles) files)")
        }
        return try present.map { file in
            let name = cleanName(file.filename)
            let ext = (name as NSString).pathExtension.lowercased()
            guard let kind = kinds[ext], allowed?.contains(ext) ?? true else {
                throw LuoshiError.invalid(
                    field: field, reason: "「\(name)」的类型不受支持（\(kindsSaid)） (this kind of file is not taken)")
            }
            guard file.size <= maxFileSize else {
                throw LuoshiError.invalid(field: field, reason: "「\(name)」超过 20 MB (over 20 MB)")
            }
            if let magic = kind.magic, !magic.contains(where: { file.head.starts(with: $0) }) {
                throw LuoshiError.invalid(
                    field: field, reason: "「\(name)」的内容与扩展名不符 (its content is not what its name says)")
            }
            return Checked(
                id: UUID(), filename: name, contentType: kind.type, source: file.path, size: file.size,
                sha256: file.sha256)
        }
    }

    /// A photo from the public: one image, its kind checked by its first bytes like any evidence (its size
    /// was held to the route's limit as it arrived).
    static func checkPhoto(_ files: [ReceivedFile]) throws -> Checked? {
        let present = files.filter { !$0.filename.isEmpty }
        guard present.count <= 1 else { throw LuoshiError.invalid(field: "照片", reason: "只能附一张照片 (one photo only)") }
        let images = Set(kinds.filter { $0.value.type.hasPrefix("image/") }.keys)
        return try check(
            present, field: "照片", allowed: images, kindsSaid: "可用 JPG、PNG、GIF、WebP 照片 (JPG, PNG, GIF, WebP)"
        )
        .first
    }

    /// Removes what a photo says of where and with what it was taken (EXIF, XMP, text chunks) from the received
    /// file, in place: the unit a citizen complains about sees the photo, not the citizen's whereabouts.
    static func stripMetadata(_ photo: inout Checked) throws {
        let url = URL(fileURLWithPath: photo.source)
        let bytes = [UInt8](try Data(contentsOf: url))
        let kept = ImageMetadata.stripped(bytes)
        guard kept.count != bytes.count else { return }
        try Data(kept).write(to: url)
        photo.size = kept.count
        photo.sha256 = Fingerprint.sha256Hex(kept)
    }

    /// What a file field offers: on a phone, `image/*` brings up the camera beside the files.
    static let accept = "image/*," + kinds.keys.sorted().map { "." + $0 }.joined(separator: ",")

    /// Photos are shown in the page: their type was checked by their first bytes, and with `nosniff` a
    /// browser takes them for nothing else. Everything else (PDF, Office) only downloads.
    static func isImage(_ contentType: String) -> Bool {
        contentType.hasPrefix("image/") && kinds.values.contains { $0.type == contentType }
    }

    /// A stored file: a photo shown inline, anything else a download; never cached, its type as
    /// checked on upload.
    static func download(_ id: UUID, filename: String, contentType: String, directory: String) throws -> Response {
        guard let data = FileManager.default.contents(atPath: path(id, in: directory)) else {
            throw LuoshiError.notFound(entity: "证明材料文件", id: id.uuidString)
        }
        let response = Response(status: .ok, body: .init(data: data))
        response.headers.replaceOrAdd(name: .contentType, value: contentType)
        let encoded = ContentDisposition.encode(filename)
        response.headers.replaceOrAdd(
            name: .contentDisposition,
            value: "\(isImage(contentType) ? "inline" : "attachment"); filename*=UTF-8''\(encoded)")
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return response
    }

    static func path(_ id: UUID, in directory: String) -> String { directory + "/" + id.uuidString.lowercased() }

    /// Files left by a process killed between writing them and committing their report: moved aside to
    /// `orphaned/` (never deleted: someone may want to look), at start. A file younger than ten minutes is
    /// left alone, since another app server may be about to commit it.
    static func sweepOrphans(in directory: String, on db: any Database, now: Date = Date()) async throws -> [String] {
        let fm = FileManager.default
        // Uploads a killed process was still receiving, or received for a report never filed: nobody
        // filed them, so nothing issued or reported is lost by removing them.
        let incoming = directory + "/" + UploadReceiver.incoming
        for name in (try? fm.contentsOfDirectory(atPath: incoming)) ?? [] {
            let path = incoming + "/" + name
            let modified = (try? fm.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? now
            if now.timeIntervalSince(modified) > 600 { try? fm.removeItem(atPath: path) }
        }
        guard let names = try? fm.contentsOfDirectory(atPath: directory) else { return [] }
        let sql = db as! any SQLDatabase
        var known: Set<String> = []
        for table in [Evidence.schema, NoticeEvidence.schema] {
            for row in try await sql.select().column("id").from(table).all() {
                known.insert(try row.decode(column: "id", as: UUID.self).uuidString.lowercased())
            }
        }
        for row in try await sql.select().column("photo_id").from(Feedback.schema).where(
            "photo_id", .isNot, SQLLiteral.null
        )
        .all() {
            known.insert(try row.decode(column: "photo_id", as: UUID.self).uuidString.lowercased())
        }
        var moved: [String] = []
        for name in names where UUID(uuidString: name) != nil && !known.contains(name) {
            let source = directory + "/" + name
            let modified = (try? fm.attributesOfItem(atPath: source)[.modificationDate] as? Date) ?? now
            guard now.timeIntervalSince(modified) > 600 else { continue }
            try fm.createDirectory(atPath: directory + "/orphaned", withIntermediateDirectories: true)
            try fm.moveItem(atPath: source, toPath: directory + "/orphaned/" + name)
            moved.append(name)
        }
        return moved
    }

    /// Moves the received files into place; returns their paths so that a failed transaction can remove them.
    static func write(_ files: [Checked], to directory: String) throws -> [String] {
        if files.isEmpty { return [] }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var written: [String] = []
        do {
            for f in files {
                let p = path(f.id, in: directory)
                try FileManager.default.moveItem(atPath: f.source, toPath: p)
                written.append(p)
            }
        } catch {
            for p in written { try? FileManager.default.removeItem(atPath: p) }
            throw error
        }
        return written
    }
}
