import Foundation
import LuoshiCore
import OfficeOpenXML
import Vapor

/// The open data of a released plan, beside its pages: one CSV row an item, and an Atom feed (RFC 4287)
/// of releases and accepted reports. Both hold what the public pages show and nothing more.
enum PublicData {
    /// The site's address for absolute links: the configured public address, else the one it listens
    /// on. Never the request's Host header: the feed is cached, and a forged Host would be served to all.
    static func base(_ req: Request) -> String { base(req.application.luoshi) }

    static func base(_ c: ServerConfiguration) -> String {
        let base = c.publicURL ?? "http://\(c.host):\(c.port)"
        return base.hasSuffix("/") ? String(base.dropLast()) : base
    }

    static let csvHeaders = [
        "编号", "类型", "所属领域", "事项", "牵头单位", "责任领导", "配合单位", "完成时限", "状态", "进度（%）", "最新数值", "单位", "计划原文",
    ]

    static func csv(_ view: PublicPlan) -> Data {
        func area(_ item: ReleasedItem) -> String {
            var p = item.parent.flatMap { view.byID[$0] }
            while let parent = p, parent.parent != nil { p = view.byID[parent.parent!] }
            return p?.title ?? ""
        }
        let rows = view.content.items.filter { $0.kind != .area && $0.kind != .theme }.map { item -> [String] in
            let st = view.status(item)
            let latest = view.latest(item)
            return [
                item.code, item.kind.chinese, area(item), item.title, item.leadUnit ?? "", item.leader ?? "",
                item.cooperating.joined(separator: "、"),
                item.due.map { Breakdown.iso(CivilDay($0, calendar: .beijing)) } ?? "",
                item.dropped != nil ? "已撤销：\(item.dropped!)" : st.status.chinese,
                st.progress.map { Format.number(($0 * 100).rounded()) } ?? "",
                latest?.actualValue.map { Format.number($0) } ?? "", item.unit ?? "", item.words,
            ]
        }
        return CSVWriter.csv([csvHeaders] + rows)
    }

    /// RFC 3339, as Atom's dates are written.
    static func rfc3339(_ d: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: d)
    }

    static func xml(_ s: String) -> String {
        var out = ""
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            // Characters XML 1.0 cannot hold at all: left out rather than make the feed unreadable.
            case _ where ch.value < 0x20 && ch != "\n" && ch != "\t" && ch != "\r": continue
            case _ where ch.value == 0xFFFE || ch.value == 0xFFFF: continue
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// The feed: each release and each accepted report an entry, newest first, at most 200.
    static func atom(
        _ view: PublicPlan, releases: [PublicRelease], histories: [UUID: [ProgressReport]], base: String,
        item only: ReleasedItem? = nil, answers: [Feedback] = []
    ) -> String {
        let planID = view.content.planID
        let planURL = base + SiteURL.publicPlan(planID).path
        let selfURL =
            base
            + (only.map { SiteURL.publicItem(plan: planID, code: $0.code).path + "/feed.atom" }
                ?? SiteURL.publicFile(plan: planID, name: "feed.atom").path)
        struct Entry {
            var id: String
            var title: String
            var updated: Date
            var link: String
            var summary: String
        }
        var entries = releases.map { r in
            Entry(
                id: "urn:uuid:\(r.id!.uuidString.lowercased())", title: "第 \(r.number) 次公开：\(r.note)",
                updated: r.releasedAt, link: planURL, summary: "计划第 \(r.number) 次向社会公开。")
        }
        for f in answers {
            guard let answer = f.answer, let at = f.answeredAt, let item = only else { continue }
            entries.append(
                Entry(
                    id: "urn:uuid:\(f.id!.uuidString.lowercased())", title: "\(item.code) \(item.title)：答复群众留言",
                    updated: at, link: base + SiteURL.publicItem(plan: planID, code: item.code).path,
                    summary: f.text + "\n答复：" + answer))
        }
        for item in view.live where only == nil || only?.id == item.id {
            for r in histories[item.id] ?? [] {
                entries.append(
                    Entry(
                        id: "urn:uuid:\(r.id!.uuidString.lowercased())",
                        title: "\(item.code) \(item.title)：\(r.period) 进展",
                        updated: r.reviewedAt ?? r.submittedAt,
                        link: base + SiteURL.publicItem(plan: planID, code: item.code).path,
                        summary: r.narrative))
            }
        }
        entries.sort { ($0.updated, $0.id) > ($1.updated, $1.id) }
        entries = Array(entries.prefix(200))
        var out = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">
            <id>\(only.map { "urn:uuid:\($0.id.uuidString.lowercased())" } ?? "urn:uuid:\(planID.uuidString.lowercased())")</id>
            <title>\(xml(only.map { "\($0.code) \($0.title)" } ?? view.content.title))落实情况</title>
            <updated>\(rfc3339(view.lastChange))</updated>
            <author><name>\(xml(view.content.issuer ?? view.content.title))</name></author>
            <link rel="self" type="application/atom+xml" href="\(xml(selfURL))"/>
            <link rel="alternate" type="text/html" href="\(xml(only.map { base + SiteURL.publicItem(plan: planID, code: $0.code).path } ?? planURL))"/>
            <rights>CC BY 4.0</rights>

            """
        for e in entries {
            out += """
                <entry>
                <id>\(e.id)</id>
                <title>\(xml(e.title))</title>
                <updated>\(rfc3339(e.updated))</updated>
                <link rel="alternate" type="text/html" href="\(xml(e.link))"/>
                <summary>\(xml(e.summary))</summary>
                </entry>

                """
        }
        return out + "</feed>\n"
    }
}
