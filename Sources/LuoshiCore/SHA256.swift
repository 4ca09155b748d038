import Crypto
import Foundation

/// SHA-256 fingerprints as lowercase hex, from swift-crypto.
///
/// The plan stores the sha256 of its source document so that a published promise can be traced to
/// the exact bytes it came from; the audit chain links entries by it; evidence files are named by it.
public enum Fingerprint {
    public static func sha256Hex<D: DataProtocol>(_ bytes: D) -> String {
        Crypto.SHA256.hash(data: bytes).hexString
    }

    public static func sha256<D: DataProtocol>(_ bytes: D) -> [UInt8] {
        Array(Crypto.SHA256.hash(data: bytes))
    }
}

/// A SHA-256 fingerprint taken piece by piece, for a file that arrives in pieces and is never held whole.
public struct IncrementalFingerprint: Sendable {
    private var hasher = Crypto.SHA256()

    public init() {}

    public mutating func update<D: DataProtocol>(_ bytes: D) { hasher.update(data: bytes) }

    public func hex() -> String { hasher.finalize().hexString }
}

/// HMAC-SHA256 (RFC 2104), from swift-crypto: how webhook receivers check that a notification came
/// from this Luoshi, and how 钉钉's robot checks ours.
public enum MessageAuthentication {
    public static func hmacSHA256(_ message: [UInt8], key: [UInt8]) -> [UInt8] {
        Array(HMAC<Crypto.SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }

    public static func hmacSHA256Hex(_ message: [UInt8], key: [UInt8]) -> String {
        hmacSHA256(message, key: key).hexString
    }

    /// Whether two codes are the same, in time that does not tell how much of a guess was right.
    public static func matches(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in x.indices { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}

extension Sequence where Element == UInt8 {
    fileprivate var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in self {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
