import Foundation
import LuoshiCore
import NIOCore
import Vapor

/// A file of a multipart form, written to disk as it arrived (never held whole in memory), with its
/// size and fingerprint taken on the way.
struct ReceivedFile: Sendable {
    var field: String
    var filename: String
    var path: String
    var size: Int
    var sha256: String
    /// Its first bytes, for the check that a file is what its extension says.
    var head: [UInt8]
}

/// The files an upload route received. Its words (the form's other fields) are the request's content,
/// an ordinary form, so handlers decode them as they decode any form.
struct ReceivedUpload: Sendable {
    var files: [ReceivedFile]

    /// The files sent in one field (`evidence` and `evidence[]` are the same field).
    func files(_ field: String) -> [ReceivedFile] {
        files.filter { $0.field == field || $0.field == field + "[]" }
    }

    struct Key: StorageKey { typealias Value = ReceivedUpload }

    /// Removes what is still in the incoming folder: files the handler did not move into place.
    func discardLeftovers() {
        for f in files { try? FileManager.default.removeItem(atPath: f.path) }
    }
}

extension Request {
    /// What an upload route received from a multipart form; nil otherwise.
    var upload: ReceivedUpload? { storage[ReceivedUpload.Key.self] }

    /// The evidence files of an upload (field `evidence` or `evidence[]`), checked.
    func evidence() throws -> [EvidenceStore.Checked] {
        try EvidenceStore.check(upload?.files("evidence") ?? [])
    }

    /// The one file sent in `field`, read whole: a plan document, which the reader needs whole anyway.
    func uploadedDocument(_ field: String) throws -> (name: String, data: Data) {
        guard let file = upload?.files(field).first(where: { !$0.filename.isEmpty }) else {
            throw LuoshiError.invalid(field: field, reason: "请选择要上传的文件 (choose a file to upload)")
        }
        return (file.filename, try Data(contentsOf: URL(fileURLWithPath: file.path)))
    }
}

/// How slowly a body may arrive: after a grace period, at least 8 KB a second on average. A client that
/// trickles a byte now and then (to hold a connection) is cut off at its next piece; a phone on a poor
/// line sending 20 MB at 100 KB/s is well inside it.
struct BodyPace {
    static let floorBytesPerSecond = 8 << 10

    private let grace: Duration
    private let start = ContinuousClock.now

    init(_ req: Request) { grace = req.application.bodyGrace }

    func check(received: Int) throws {
        let allowed = grace + .milliseconds(received * 1000 / Self.floorBytesPerSecond)
        if ContinuousClock.now - start > allowed {
            throw Abort(.requestTimeout, reason: "上传过慢，已中止 (the upload arrived too slowly and was stopped)")
        }
    }

    /// Reads a streamed body piece by piece, at most `limit` bytes in all and at this pace. When `each`
    /// refuses the body (a forged form's token), the rest is still read, within the same limits, and
    /// dropped, as nginx's lingering close does: a client still sending would otherwise wait on a server
    /// that waits on it, holding the connection (and a shutdown) until a timeout.
    static func read(_ req: Request, limit: Int, _ each: (ByteBuffer) throws -> Void) async throws {
        let pace = BodyPace(req)
        var received = 0
        var refusal: (any Error)?
        for try await chunk in req.body {
            received += chunk.readableBytes
            guard received <= limit else { throw refusal ?? Abort(.payloadTooLarge) }
            // A refused body that then arrives too slowly is still answered with its refusal.
            do { try pace.check(received: received) } catch { throw refusal ?? error }
            guard refusal == nil else { continue }
            do { try each(chunk) } catch { refusal = error }
        }
        if let refusal { throw refusal }
    }
}

extension Application {
    private struct BodyGraceKey: StorageKey { typealias Value = Duration }

    /// How long a body may take before `BodyPace`'s floor applies: 20 s (tests shorten it).
    var bodyGrace: Duration {
        get { storage[BodyGraceKey.self] ?? .seconds(20) }
        set { storage[BodyGraceKey.self] = newValue }
    }
}

/// Reads a multipart form as it arrives: words kept in memory (at most 1 MB together), files written to
/// a folder as their pieces come, each checked against the size limits as it grows. When the form must
/// carry a form token, the token must come before the first file (the app's forms put it first) and
/// is checked there, so a forged form has nothing kept.
struct UploadReceiver {
    /// The folder, under the evidence folder, where uploads are written as they arrive (the same file
    /// system, so keeping one is a rename).
    static let incoming = "incoming"
    /// Words of a form, all fields together.
    static let maxWords = 1 << 20
    /// Parts of one form; more is not a form a person filled in.
    static let maxParts = 64

    let directory: String
    let maxBytes: Int
    let maxFileBytes: Int
    /// Checks the form token when it is needed; nil when the request needs none.
    let acceptsToken: ((String?) -> Bool)?

    /// Reads the body; on success the words are the request's content and the files are in
    /// `req.upload`. On any failure, every file written is removed.
    func receive(_ req: Request) async throws {
        guard let boundary = req.headers.contentType?.parameters["boundary"], !boundary.isEmpty,
            boundary.utf8.count <= 200
        else {
            throw LuoshiError.invalid(field: "body", reason: "multipart/form-data 缺少 boundary (no boundary)")
        }
        let parser = MultipartParser(boundary: boundary)
        let assembler = Assembler(receiver: self)
        parser.onHeader = { name, value in assembler.header(name, value) }
        parser.onBody = { bytes in assembler.body(&bytes) }
        parser.onPartComplete = { assembler.complete() }
        do {
            if let whole = req.body.data {
                try parser.execute(whole)
                try assembler.rethrow()
            } else {
                try await BodyPace.read(req, limit: maxBytes) { chunk in
                    try parser.execute(chunk)
                    try assembler.rethrow()
                }
            }
            guard assembler.finished else {
                throw LuoshiError.invalid(field: "body", reason: "表单不完整 (the form ended early)")
            }
            if let acceptsToken, !assembler.tokenChecked, !acceptsToken(assembler.fields["_csrf"]) {
                throw CSRF.expiredForm
            }
        } catch {
            assembler.discard()
            throw error
        }
        try req.content.encode(assembler.fields, as: .urlEncodedForm)
        req.storage[ReceivedUpload.Key.self] = ReceivedUpload(files: assembler.files)
    }

    /// Assembles parts from the parser's callbacks, which cannot throw: the first failure is kept and
    /// rethrown after each piece.
    private final class Assembler {
        let receiver: UploadReceiver
        var fields: [String: String] = [:]
        var files: [ReceivedFile] = []
        var failure: (any Error)?
        var finished = false
        var tokenChecked = false
        private var headers: [String: String] = [:]
        private var words: [UInt8] = []
        private var wordBytes = 0
        private var parts = 0
        private var file: (handle: FileHandle, received: ReceivedFile, fingerprint: IncrementalFingerprint)?
        private var bodyStarted = false

        init(receiver: UploadReceiver) { self.receiver = receiver }

        func rethrow() throws { if let failure { throw failure } }

        func header(_ name: String, _ value: String) {
            finished = false
            headers[name.lowercased()] = value
        }

        func body(_ bytes: inout ByteBuffer) {
            guard failure == nil else { return }
            do {
                if !bodyStarted { try begin() }
                if var open = file {
                    open.received.size += bytes.readableBytes
                    guard open.received.size <= receiver.maxFileBytes else {
                        throw LuoshiError.invalid(
                            field: open.received.field,
                            reason: "「\(open.received.filename)」超过 \(receiver.maxFileBytes >> 20) MB")
                    }
                    let view = bytes.readableBytesView
                    if open.received.head.count < 16 {
                        open.received.head += view.prefix(16 - open.received.head.count)
                    }
                    open.fingerprint.update(view)
                    try open.handle.write(contentsOf: view)
                    file = open
                } else {
                    wordBytes += bytes.readableBytes
                    guard wordBytes <= UploadReceiver.maxWords else { throw Abort(.payloadTooLarge) }
                    words += bytes.readableBytesView
                }
            } catch { failure = error }
        }

        func complete() {
            guard failure == nil else { return }
            do {
                if !bodyStarted { try begin() }
                if let open = file {
                    try open.handle.close()
                    var done = open.received
                    done.sha256 = open.fingerprint.hex()
                    files[files.count - 1] = done
                    file = nil
                } else if let name = partName {
                    // The first value of a field is the one kept: a second `_csrf` cannot replace the first.
                    if fields[name] == nil { fields[name] = String(decoding: words, as: UTF8.self) }
                }
                headers = [:]
                words = []
                bodyStarted = false
                finished = true
            } catch { failure = error }
        }

        /// A part's headers are all in: open a file for it, or get ready to keep its words.
        private func begin() throws {
            bodyStarted = true
            parts += 1
            guard parts <= UploadReceiver.maxParts else {
                throw LuoshiError.invalid(field: "body", reason: "表单的部分过多 (too many parts)")
            }
            guard let name = partName, let filename = disposition?.filename else { return }
            if let accepts = receiver.acceptsToken, !tokenChecked {
                guard accepts(fields["_csrf"]) else {
                    throw CSRF.expiredForm
                }
                tokenChecked = true
            }
            try FileManager.default.createDirectory(atPath: receiver.directory, withIntermediateDirectories: true)
            let path = receiver.directory + "/" + UUID().uuidString.lowercased()
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw Abort(.internalServerError, reason: "cannot write an upload")
            }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            let received = ReceivedFile(field: name, filename: filename, path: path, size: 0, sha256: "", head: [])
            files.append(received)
            file = (handle, received, IncrementalFingerprint())
        }

        private var partName: String? { disposition?.name }

        /// The part's Content-Disposition (its field `name`, and `filename` for a file).
        private var disposition: HTTPHeaders.ContentDisposition? {
            guard let value = headers["content-disposition"] else { return nil }
            return HTTPHeaders([("Content-Disposition", value)]).contentDisposition
        }

        /// Removes every file written (the request failed, or its handler is done with them).
        func discard() {
            if let open = file { try? open.handle.close() }
            file = nil
            for f in files { try? FileManager.default.removeItem(atPath: f.path) }
        }
    }
}
