/// Why a document could not be read as a plan. Each case says what was found, in Chinese first.
public enum DocumentError: Error, Sendable, Equatable {
    /// Zero bytes, or nothing but whitespace after decoding.
    case empty
    /// Larger than the reader accepts.
    case tooLarge(bytes: Int, limit: Int)
    /// A recognised binary format that is not a readable document (PDF, old .doc, image, archive …).
    case unsupportedFormat(found: String)
    /// Bytes that are neither valid text in a supported encoding nor a known format.
    case binary
    /// A .docx whose parts could not be read.
    case damagedDocument(reason: String)
    /// Text was decoded, but it holds nothing that looks like a plan.
    case noPlanContent

    /// A one-line message for a person.
    public var message: String {
        switch self {
        case .empty:
            return "文件为空：没有可读取的文字 (empty document)"
        case .tooLarge(let bytes, let limit):
            return "文件过大：\(bytes) 字节，上限 \(limit) 字节 (document too large: \(bytes) bytes, limit \(limit))"
        case .unsupportedFormat(let found):
            return "不支持的文件格式：\(found) (unsupported format: \(found))"
        case .binary:
            return "不是文本文件：内容是二进制数据，无法按 UTF-8、GB18030 或 UTF-16 解码 (binary data, not text)"
        case .damagedDocument(let reason):
            return "文档已损坏：\(reason) (damaged document: \(reason))"
        case .noPlanContent:
            return "未找到计划内容：文档中没有可识别的文字段落 (no plan content found)"
        }
    }
}
