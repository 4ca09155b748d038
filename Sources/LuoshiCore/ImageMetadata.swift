import Foundation

/// What a photo carries besides its picture, taken out before anyone but its sender sees it. A phone's JPEG
/// holds where it was taken (EXIF's GPS directory) and often XMP and comments; a PNG may hold text chunks.
/// The picture is left byte for byte, and so is EXIF's orientation (a phone's portrait photo would otherwise
/// show on its side): only the GPS directory's values are blanked.
public enum ImageMetadata {
    /// The photo without location and text metadata; the bytes unchanged when the file is not a JPEG or PNG
    /// this understands.
    public static func stripped(_ bytes: [UInt8]) -> [UInt8] {
        if bytes.starts(with: [0xFF, 0xD8]) { return jpeg(bytes) ?? bytes }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return png(bytes) ?? bytes }
        return bytes
    }

    /// JPEG: segments up to the scan, each kept, blanked or dropped; the scan and what follows kept as is.
    static func jpeg(_ b: [UInt8]) -> [UInt8]? {
        var out: [UInt8] = [0xFF, 0xD8]
        var i = 2
        while i + 4 <= b.count {
            guard b[i] == 0xFF else { return nil }
            let marker = b[i + 1]
            // Fill bytes and markers without a length.
            if marker == 0xFF {
                i += 1
                continue
            }
            if marker == 0x01 || (0xD0...0xD7).contains(marker) {
                out += b[i..<i + 2]
                i += 2
                continue
            }
            let length = Int(b[i + 2]) << 8 | Int(b[i + 3])
            guard length >= 2, i + 2 + length <= b.count else { return nil }
            let segment = Array(b[i..<i + 2 + length])
            if marker == 0xDA {
                // Start of scan: the picture itself, to the end.
                out += b[i...]
                return out
            }
            switch marker {
            case 0xE1:
                // APP1: EXIF (kept, its GPS blanked) or XMP (dropped).
                let exif: [UInt8] = [0x45, 0x78, 0x69, 0x66, 0x00, 0x00]
                if segment.count > 10, Array(segment[4..<10]) == exif {
                    var s = segment
                    guard blankGPS(&s, tiffStart: 10) else { return nil }
                    out += s
                }
            case 0xED, 0xFE:
                // APP13 (Photoshop's IPTC: names, places, captions) and comments: dropped.
                break
            default:
                out += segment
            }
            i += 2 + length
        }
        return nil
    }

    /// Blanks the values of EXIF's GPS directory (tag 0x8825 of IFD0) inside `s`, a TIFF structure from
    /// `tiffStart`. False when the structure does not hold together.
    static func blankGPS(_ s: inout [UInt8], tiffStart t: Int) -> Bool {
        guard t + 8 <= s.count else { return false }
        let little: Bool
        switch (s[t], s[t + 1]) {
        case (0x49, 0x49): little = true
        case (0x4D, 0x4D): little = false
        default: return false
        }
        func u16(_ at: Int) -> Int? {
            guard at >= 0, at + 2 <= s.count else { return nil }
            return little ? Int(s[at]) | Int(s[at + 1]) << 8 : Int(s[at]) << 8 | Int(s[at + 1])
        }
        func u32(_ at: Int) -> Int? {
            guard let a = u16(at), let b = u16(at + 2) else { return nil }
            return little ? a | b << 16 : a << 16 | b
        }
        guard let ifd0 = u32(t + 4), let count = u16(t + ifd0) else { return false }
        for e in 0..<count {
            let entry = t + ifd0 + 2 + e * 12
            guard let tag = u16(entry) else { return false }
            guard tag == 0x8825 else { continue }
            guard let gps = u32(entry + 8), let n = u16(t + gps) else { return false }
            let sizes = [1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 9: 4, 10: 8]
            for g in 0..<n {
                let ge = t + gps + 2 + g * 12
                guard let type = u16(ge + 2), let items = u32(ge + 4), ge + 12 <= s.count else { return false }
                let bytes = (sizes[type] ?? 1) * items
                if bytes > 4, let offset = u32(ge + 8), t + offset + bytes <= s.count {
                    for k in 0..<bytes { s[t + offset + k] = 0 }
                }
                for k in 8..<12 { s[ge + k] = 0 }
            }
        }
        return true
    }

    /// PNG: every chunk but the text and EXIF ones, CRCs untouched (each chunk is copied whole).
    static func png(_ b: [UInt8]) -> [UInt8]? {
        var out = Array(b[0..<8])
        var i = 8
        let dropped: Set<String> = ["tEXt", "zTXt", "iTXt", "eXIf"]
        while i + 12 <= b.count {
            let length = Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3])
            guard length >= 0, i + 12 + length <= b.count else { return nil }
            let type = String(decoding: b[i + 4..<i + 8], as: UTF8.self)
            if !dropped.contains(type) { out += b[i..<i + 12 + length] }
            i += 12 + length
            if type == "IEND" { return out }
        }
        return nil
    }
}
