import Foundation
import OfficeOpenXML
import Plot

// The few building blocks every view uses on top of Plot.
//
// Plot (0.14) escapes `<` and `>` in text but leaves anything that looks like an entity (`&lt;`) as one,
// and writes attribute values exactly as given. A person's words must come back as typed and never as
// markup, wherever they land, so views put text through `Words` and attribute values through `attr`:
// both escape in full. Plot's own `Text`, `Link(url:)` and `Input(value:)` are not used with stored data.

/// What a `@ComponentBuilder` closure gives: the children of an element.
typealias Contents = () -> ComponentGroup

/// Escaping for HTML text and attribute values (quotes included), the one definition views use.
enum Escape {
    /// For text handed to Plot, which escapes `<` and `>` itself but keeps `&…;` as an entity: the
    /// ampersand is escaped first, so `&lt;` typed by someone shows as `&lt;`.
    static func text(_ s: String) -> String { s.replacingOccurrences(of: "&", with: "&amp;") }

    /// Quotes, apostrophes, angle brackets and ampersands, as the Word writer escapes its XML.
    static func attribute(_ s: String) -> String { MarkupText.escape(s) }
}

/// Text as a person wrote it, escaped in full.
struct Words: Component {
    var string: String
    init(_ string: String) { self.string = string }
    init(_ string: String?, or fallback: String = "—") { self.string = string ?? fallback }
    var body: any Component { Text(Escape.text(string)) }
}

/// Any element by name, its content built from components. Plot has components for the common
/// elements (Div, Paragraph, Table …); this covers the rest (select, option, dl, strong, small, mark …).
struct Element: Component {
    var name: String
    var content: Contents

    init(_ name: String, @ComponentBuilder content: @escaping Contents = { ComponentGroup(members: []) }) {
        self.name = name
        self.content = content
    }

    init(_ name: String, text: String) {
        self.init(name) { Words(text) }
    }

    var body: any Component { Node<HTML.BodyContext>.element(named: name, nodes: [.component(content())]) }
}

/// An element without content (`input`, `br`), its attributes added with `attr` and `flag`.
struct VoidElement: Component {
    var name: String
    init(_ name: String) { self.name = name }
    var body: any Component { Node<HTML.BodyContext>.selfClosedElement(named: name) }
}

extension Component {
    /// An attribute whose value is escaped; nil leaves it out.
    func attr(_ name: String, _ value: String?) -> any Component {
        guard let value else { return self }
        return attribute(named: name, value: Escape.attribute(value), ignoreValueIfEmpty: false)
    }

    /// A boolean attribute (`required`, `selected`, `checked`, `disabled`, `multiple`), present when `on`.
    func flag(_ name: String, _ on: Bool = true) -> any Component {
        on ? attribute(named: name, value: nil, ignoreValueIfEmpty: false) : self
    }

    /// A CSS class list; empty adds nothing.
    func classes(_ names: String) -> any Component {
        names.isEmpty ? self : attr("class", names)
    }
}

/// A link to one of our own routes (or an outside address), its text escaped.
func Anchor(_ text: String, _ url: SiteURL) -> any Component {
    Element("a", text: text).attr("href", url.path)
}

/// The rows of a `select`: each option's value and label, one chosen. Labels that are names in
/// Chinese (units, people) are marked `zh`, so that an English page says which words are names.
func Options<T>(
    _ list: [T], value: (T) -> String, label: (T) -> String, selected: String? = nil, names: Bool = false
) -> any Component {
    ComponentGroup(
        members: list.map { x in
            Element("option", text: label(x)).attr("value", value(x)).flag("selected", value(x) == selected)
                .attr("lang", names ? "zh-CN" : nil)
        })
}

/// One level of the tree to choose a unit from (`DirectoryController.unitChoices`): the way up and the unit
/// itself, then the units directly under it.
struct UnitChoices {
    var upper: [(id: UUID, name: String)]
    var level: [(id: UUID, name: String)]

    var isEmpty: Bool { upper.isEmpty && level.isEmpty }
}

/// The options of a unit picker, the units under the chosen one in a group of their own so the levels
/// read apart.
func UnitOptions(_ choices: UnitChoices, selected: String?, _ c: PageContext) -> any Component {
    ComponentGroup {
        Options(choices.upper, value: { $0.id.uuidString }, label: { $0.name }, selected: selected, names: true)
        if !choices.level.isEmpty {
            Element("optgroup") {
                Options(choices.level, value: { $0.id.uuidString }, label: { $0.name }, selected: selected, names: true)
            }.attr("label", c.t("下属单位", "Units under it"))
        }
    }
}

/// A header row for a table, one `th` a column.
func THead(_ titles: [String]) -> any Component {
    Element("thead") { Element("tr") { for t in titles { Element("th", text: t) } } }
}

/// A table of records under a header row. On a phone the stylesheet shows each row as a card and each
/// cell under its column's title (`data-label`), so no list is wider than the screen and no figure
/// loses its heading. The rows are written as usual (`TR { TD … }`); the labels are put in here.
struct ListTable: Component {
    var titles: [String]
    var rows: Contents

    init(_ titles: [String], @ComponentBuilder rows: @escaping Contents) {
        self.titles = titles
        self.rows = rows
    }

    var body: any Component {
        let tbody = Self.labelled(Element("tbody", content: rows).render(), titles.map(Escape.attribute))
        return Node<HTML.BodyContext>.element(
            named: "table", nodes: [.attribute(named: "class", value: "list"), .component(THead(titles)), .raw(tbody)])
    }

    /// Each `<td` of each row given ` data-label="…"` from its column (colspans counted). The cells are
    /// our own markup: any `<` inside text is already escaped, so a tag here is a tag.
    static func labelled(_ html: String, _ titles: [String]) -> String {
        var out = ""
        out.reserveCapacity(html.utf8.count + html.utf8.count / 8)
        var column = 0
        var rest = html[...]
        while let open = rest.firstIndex(of: "<") {
            out += rest[..<open]
            rest = rest[open...]
            if rest.hasPrefix("<tr") {
                column = 0
            } else if rest.hasPrefix("<td ") || rest.hasPrefix("<td>") {
                let end = rest.firstIndex(of: ">") ?? rest.endIndex
                let tag = rest[..<end]
                var span = 1
                if let c = tag.range(of: "colspan=\""), let n = Int(tag[c.upperBound...].prefix(while: \.isNumber)) {
                    span = max(1, n)
                }
                out += "<td"
                rest = rest.dropFirst(3)
                if column < titles.count, !titles[column].isEmpty { out += " data-label=\"\(titles[column])\"" }
                column += span
                continue
            }
            out += "<"
            rest = rest.dropFirst()
        }
        out += rest
        return out
    }
}

/// A table row of cells, each a component.
func TR(class name: String = "", @ComponentBuilder _ cells: @escaping Contents) -> any Component {
    Element("tr", content: cells).classes(name)
}

/// A table cell.
func TD(_ text: String, class name: String = "") -> any Component { Element("td", text: text).classes(name) }

func TD(class name: String = "", @ComponentBuilder _ content: @escaping Contents) -> any Component {
    Element("td", content: content).classes(name)
}

extension Component {
    /// Marks words as Chinese whatever the page's language: names of people, units and places, and the
    /// plan's own words, which stay as written on an English page (and which a screen reader should
    /// then read as Chinese).
    func zh() -> any Component { attr("lang", "zh-CN") }
}
