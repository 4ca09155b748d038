import Foundation
import LuoshiCore
import Plot

extension Search {
    struct View: PageView {
        var model: Model

        func title(_ c: PageContext) -> String { c.t("查找", "Search") }

        func content(_ c: PageContext) -> any Component {
            SearchBox(c, value: model.query, id: "search-page-q")
            if model.query.isEmpty {
                Paragraph {
                    Words(
                        c.t(
                            "输入事项名称、督办单文号（如 督〔2015〕12号）、单位名称或报送中的词语。",
                            "Type words of an item's title, a notice number (督〔2015〕12号), a unit's name or words of a report."
                        ))
                }
            } else if model.isEmpty {
                Paragraph { Words(c.t("没有找到与「\(model.query)」相关的内容。", "Nothing found for “\(model.query)”.")) }
            } else {
                if !model.units.isEmpty {
                    section(c.t("单位", "Units"), model.units.count)
                    Element("ul") {
                        for u in model.units {
                            ListItem {
                                Anchor(u.name, model.unitPages ? .unit(u.id) : .notices(filters: .init(unit: u.id)))
                                    .zh()
                                Words(" · " + c.name(u.kind))
                            }
                        }
                    }
                }
                if !model.items.isEmpty {
                    section(c.t("事项", "Items"), model.items.count)
                    Element("ul") {
                        for i in model.items {
                            ListItem {
                                Anchor(String(i.title.prefix(80)), .item(i.id)).zh()
                                Element("small", text: " · " + c.name(i.kind) + " · ").class("muted")
                                Element("small", text: i.plan).class("muted").zh()
                            }
                        }
                    }
                }
                if !model.notices.isEmpty {
                    section(c.t("督办单", "Notices"), model.notices.count)
                    Element("ul") {
                        for n in model.notices {
                            ListItem {
                                Anchor(n.number, .notice(n.id)).zh()
                                Words(" ")
                                LevelBadge(n.level, c)
                                Words(" ")
                                Span { Words(n.unit + " · " + String(n.itemTitle.prefix(40))) }.zh()
                                Words(" · " + c.name(n.state))
                            }
                        }
                    }
                }
                if !model.reports.isEmpty {
                    section(c.t("报送", "Reports"), model.reports.count)
                    Element("ul") {
                        for r in model.reports {
                            ListItem {
                                Anchor(String(r.itemTitle.prefix(40)), .item(r.item)).zh()
                                Words(" · ")
                                Span { Words(r.unit + " · " + r.period) }.zh()
                                Words(" · " + c.name(r.state))
                                Element("br")
                                Element("small", text: r.excerpt).class("muted").zh()
                            }
                        }
                    }
                }
            }
        }

        func section(_ name: String, _ count: Int) -> any Component {
            H2 { Words(name + " (\(count == model.limit ? "\(count)+" : "\(count)"))") }
        }
    }
}

/// The search form: in the page's header and atop the results.
func SearchBox(_ c: PageContext, value: String? = nil, id: String = "search-q") -> any Component {
    Element("form") {
        Element("label", text: c.t("查找", "Search")).attr("for", id).class("visually-hidden")
        VoidElement("input").attr("type", "search").attr("name", "q").attr("id", id).attr("value", value)
            .attr("maxlength", "100").attr("placeholder", c.t("事项、文号、单位", "Items, numbers, units"))
        Submit(c.t("查找", "Search"))
    }.attr("method", "get").attr("action", SiteURL.search(nil).path).attr("role", "search").class("search")
}
