import Foundation
import Plot
import Vapor

/// One page of a long list (newest first): which page it is, of how many, out of how many rows. Every
/// list that grows with use — an item's reports, the audit log, an inbox, the notices — is read a page
/// at a time, so no page grows with the years.
struct Paging: Sendable {
    static let perPage = 50

    var number: Int
    var of: Int
    var total: Int
    var perPage: Int

    /// The page asked for, kept within the pages there are.
    init(requested: Int?, total: Int, perPage: Int = Paging.perPage) {
        self.total = total
        self.perPage = perPage
        of = max(1, (total + perPage - 1) / perPage)
        number = min(max(1, requested ?? 1), of)
    }

    /// The rows of this page, as offsets into the whole list.
    var rows: Range<Int> { ((number - 1) * perPage)..<(number * perPage) }
    var first: Int { total == 0 ? 0 : (number - 1) * perPage + 1 }
    var last: Int { min(number * perPage, total) }
}

extension Request {
    /// The page of a list the query asks for (`?page=3`; anything else is the first).
    func paging(_ parameter: String = "page", total: Int, perPage: Int = Paging.perPage) -> Paging {
        Paging(requested: query[Int.self, at: parameter], total: total, perPage: perPage)
    }
}

/// "第 51–100 条，共 1,234 条" with links to newer and older pages, when there is more than one page.
struct Pager: Component {
    let paging: Paging
    let context: PageContext
    /// The counted thing: 条 (entries), 份 (reports) …
    var measure = (zh: "条", en: "entries")
    let link: (Int) -> SiteURL

    var body: any Component {
        let p = paging
        let c = context
        if p.of > 1 {
            return Element("nav") {
                Words(
                    c.t(
                        "第 \(p.first)–\(p.last) \(measure.zh)，共 \(p.total) \(measure.zh)",
                        "\(measure.en.prefix(1).uppercased() + measure.en.dropFirst()) \(p.first)–\(p.last) of \(p.total)"
                    ))
                if p.number > 1 {
                    Words(" ")
                    Anchor(c.t("← 较新", "← Newer"), link(p.number - 1))
                }
                if p.number < p.of {
                    Words(" ")
                    Anchor(c.t("较早 →", "Older →"), link(p.number + 1))
                }
            }.class("pages")
        }
        return EmptyComponent()
    }
}
