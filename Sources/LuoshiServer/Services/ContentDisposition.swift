import Foundation

/// A file name for `Content-Disposition: …; filename*=UTF-8''…` (RFC 8187): UTF-8, percent-encoded outside
/// the ASCII attr-chars, so 张芝山镇任务分解表.xlsx arrives with its Chinese name in every browser.
enum ContentDisposition {
    static let attrChars = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$&+-.^_`|~")

    static func encode(_ name: String) -> String {
        name.addingPercentEncoding(withAllowedCharacters: attrChars) ?? "luoshi"
    }
}
