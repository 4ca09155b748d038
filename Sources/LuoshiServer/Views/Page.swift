import Foundation
import LuoshiCore
import Plot
import Vapor

/// What the frame of every page needs to know about the request, read once by the controller's
/// `render`: the views themselves never see a `Request`.
struct PageContext: Sendable {
    struct Viewer: Sendable {
        var displayName: String
        var role: Role
    }

    var lang: Lang
    var viewer: Viewer?
    /// The form token of this session; every form posts it first.
    var csrf: String
    var unread: Int
    /// The app's fixed date in demo mode, shown in a banner.
    var demoDate: Date?
    var now: Date
    /// Frames already rendered, for this app.
    var frames: FrameCache

    func t(_ chinese: String, _ english: String) -> String { lang.t(chinese, english) }
    func name(_ value: some Named) -> String { lang.name(value) }
}

extension Request {
    var pageContext: PageContext {
        let user = auth.get(User.self)
        return PageContext(
            lang: Lang(self), viewer: user.map { .init(displayName: $0.displayName, role: $0.role) },
            csrf: CSRF.token(self), unread: storage[UnreadCountKey.self] ?? 0,
            demoDate: application.luoshi.fixedNow, now: now, frames: application.frames)
    }

    /// A page in the site's frame, never cached by the browser (it shows one person's view).
    func render(_ page: some PageView, status: HTTPStatus = .ok) -> Response {
        let response = Response(status: status, body: .init(string: page.document(pageContext)))
        response.headers.contentType = .html
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    func redirect(to url: SiteURL) -> Response { redirect(to: url.path, redirectType: .normal) }
}

/// A page of the site: its title and its content; the frame (header, navigation, banner, footer) is
/// `Layout`'s. Each page is an enum namespace with a `Model` (built by the controller from the
/// database) and a `View` (this protocol), in `Page+Model.swift` and `Page+View.swift`.
protocol PageView {
    func title(_ c: PageContext) -> String
    /// The page's `h1`, above its content: the title, unless the page draws its own (nil).
    func heading(_ c: PageContext) -> String?
    @ComponentBuilder func content(_ c: PageContext) -> any Component
    /// The whole document; pages printed alone (a notice, the bulletin) give their own frame.
    func document(_ c: PageContext) -> String
}

extension PageView {
    /// The whole document.
    func heading(_ c: PageContext) -> String? { title(c) }

    func document(_ c: PageContext) -> String {
        let h1 = heading(c).map { text in H1 { Words(text) }.render() } ?? ""
        return Layout.document(c, title: title(c), content: h1 + content(c).render())
    }
}

/// A page whose content was rendered before and kept (`SnapshotCache.page`): only the frame is new.
struct CachedPage: PageView {
    var title: String
    var body: String

    func title(_ c: PageContext) -> String { title }
    func heading(_ c: PageContext) -> String? { nil }
    func content(_ c: PageContext) -> any Component { EmptyComponent() }
    func document(_ c: PageContext) -> String { Layout.document(c, title: title, content: body) }
}

/// The frame of every page: header with the user and the navigation, the demo banner, the footer.
enum Layout {
    /// Where a page's content goes in the frame. Plot renders each element into a string of its own
    /// and copies it into its parent, so a long page nested five elements deep is copied five times:
    /// the frame is rendered around this marker and the content put in its place instead. The frame
    /// holds only escaped text, so the marker cannot come from anyone's words.
    static let slot = "<!--luoshi:content-->"

    /// Stand-ins for what differs between people who otherwise see the same frame.
    enum Marker {
        static let title = "luoshi-frame-title-7d1f"
        static let name = "luoshi-frame-name-7d1f"
        static let csrf = "luoshi-frame-csrf-7d1f"
    }

    static func document(_ c: PageContext, title: String, bodyClass: String = "", content: String) -> String {
        // The frame is the same for everyone of a role, language, demo date and unread count but for
        // the page title, the name and the form token: it is rendered once with stand-ins for those
        // (Plot spends most of a page's time reflecting on its components) and they are put in,
        // escaped, for each page.
        let key = [
            c.viewer?.role.rawValue ?? "-", c.lang.english ? "en" : "zh",
            c.demoDate.map { "\($0.timeIntervalSince1970)" } ?? "-",
            "\(c.unread)", bodyClass,
        ].joined(separator: "|")
        let frame = c.frames.frame(key) {
            var stand = c
            stand.viewer = c.viewer.map { .init(displayName: Marker.name, role: $0.role) }
            stand.csrf = Marker.csrf
            return html(stand, title: Marker.title, bodyClass: bodyClass, content: Node<HTML.BodyContext>.raw(slot))
                .render()
        }
        return "<!DOCTYPE html>"
            + frame.replacingOccurrences(of: Marker.title, with: Escape.attribute(title))
            .replacingOccurrences(of: Marker.name, with: Escape.attribute(c.viewer?.displayName ?? ""))
            .replacingOccurrences(of: Marker.csrf, with: Escape.attribute(c.csrf))
            .replacingOccurrences(of: slot, with: content)
    }

    static func html(_ c: PageContext, title: String, bodyClass: String = "", content: any Component)
        -> any Component
    {
        Element("html") {
            Element("head") {
                VoidElement("meta").attr("charset", "utf-8")
                VoidElement("meta").attr("name", "viewport").attr("content", "width=device-width, initial-scale=1")
                Element("title", text: title + " · 落实")
                VoidElement("link").attr("rel", "stylesheet").attr("href", SiteURL.stylesheet.path)
            }
            Element("body") {
                if bodyClass.isEmpty {
                    banner(c)
                    header(c)
                    Element("main") { content }
                    Element("footer") {
                        Span { Words("落实") }.zh()
                        Words(" Luoshi · " + c.t("年度工作计划落实系统", "carrying out the annual work plan"))
                    }
                } else {
                    content
                }
            }.classes(bodyClass)
        }.attr("lang", c.lang.english ? "en" : "zh-CN")
    }

    static func navigation(for role: Role, _ c: PageContext) -> [(SiteURL, String)] {
        var nav: [(SiteURL, String)] = [(.plans, c.t("计划", "Plans"))]
        switch role {
        case .admin:
            nav += [
                (.assign(), c.t("分解任务", "Assign")), (.reviews, c.t("审核报送", "Reviews")),
                (.notices(), c.t("督办单", "Notices")), (.feedback, c.t("群众留言", "Feedback")),
                (.people, c.t("单位与人员", "Setup")), (.audit, c.t("审计日志", "Audit log")),
            ]
        case .reporter:
            nav += [
                (.myTasks, c.t("我的任务", "My tasks")), (.notices(), c.t("督办单", "Notices")),
                (.feedback, c.t("群众留言", "Feedback")),
            ]
        case .leader, .deputy:
            nav += [(.portfolio(), c.t("分管任务", "Portfolios")), (.notices(), c.t("督办单", "Notices"))]
        }
        return nav
    }

    static func banner(_ c: PageContext) -> any Component {
        guard let fixed = c.demoDate else { return EmptyComponent() }
        return Div { Words(c.t("演示环境 · 系统时间", "Demo · the app's date is") + " " + Format.date(fixed, c.lang)) }
            .class("banner")
    }

    static func header(_ c: PageContext) -> any Component {
        Header {
            Element("a") {
                Span { Words("落实") }.zh()
                Words(" ")
                Element("small", text: "Luoshi")
            }.attr("href", SiteURL.home.path).classes("brand")
            Element("nav") {
                if let viewer = c.viewer {
                    for (url, label) in navigation(for: viewer.role, c) { Anchor(label, url) }
                    Element("a") {
                        Words(c.t("消息", "Inbox"))
                        if c.unread > 0 {
                            Words(" ")
                            Span { Words("\(c.unread)") }.class("count")
                                .attr("aria-label", "\(c.unread) " + c.t("条未读", "unread"))
                        }
                    }.attr("href", SiteURL.inbox.path)
                }
            }
            if c.viewer != nil { SearchBox(c) }
            Div {
                if let viewer = c.viewer {
                    Span {
                        // A person's name is a name in any language.
                        Span { Words(viewer.displayName) }.zh()
                        Words(" · " + c.name(viewer.role))
                    }.class("who")
                    PostForm(.logout, c, class: "inline") { LinkButton(c.t("退出", "Sign out")) }
                    Words(" ")
                    // Signed in, the choice is remembered; otherwise it holds for the page.
                    PostForm(.language, c, class: "inline") {
                        Hidden("language", c.lang.english ? "zh" : "en")
                        LinkButton(c.lang.english ? "中文" : "English").attr("lang", c.lang.english ? "zh-CN" : "en")
                    }
                } else {
                    Anchor(c.t("登录", "Sign in"), .login())
                    Words(" ")
                    Element("a", text: c.lang.english ? "中文" : "English").attr(
                        "href", c.lang.english ? "?lang=zh" : "?lang=en"
                    ).attr("lang", c.lang.english ? "zh-CN" : "en")
                }
            }.class("account")
        }.class("top")
    }
}

/// Frames rendered once per kind of viewer (see `Layout.document`); a few dozen at most.
final class FrameCache: @unchecked Sendable {
    private let lock = NSLock()
    private var frames: [String: String] = [:]

    func frame(_ key: String, render: () -> String) -> String {
        if let hit = lock.withLock({ frames[key] }) { return hit }
        let made = render()
        lock.withLock {
            // Unread counts are many but small; past a few hundred kinds, start again.
            if frames.count > 500 { frames.removeAll() }
            frames[key] = made
        }
        return made
    }
}

struct FrameCacheKey: StorageKey { typealias Value = FrameCache }

extension Application {
    /// Made by `configure`.
    var frames: FrameCache { storage[FrameCacheKey.self]! }
}

// MARK: - Pieces used on many pages

/// A form posted to one of our routes, the session's token first (the CSRF check reads it before
/// anything else of the body).
func PostForm(
    _ url: SiteURL, _ c: PageContext, class name: String = "", multipart: Bool = false,
    @ComponentBuilder _ content: @escaping Contents
) -> any Component {
    Element("form") {
        Hidden("_csrf", c.csrf)
        content()
    }.attr("method", "post").attr("action", url.path).classes(name)
        .attr("enctype", multipart ? "multipart/form-data" : nil)
}

/// A form that sends one spreadsheet (Excel .xlsx or CSV) in the field `sheet`, with any hidden fields.
func SheetUploadForm(
    _ url: SiteURL, _ c: PageContext, label: String, button: String, id: String, hidden: [(String, String)] = []
) -> any Component {
    PostForm(url, c, class: "stack card", multipart: true) {
        for (name, value) in hidden { Hidden(name, value) }
        FieldLabel(label, for: id)
        VoidElement("input").attr("type", "file").attr("name", "sheet").attr("id", id).attr("accept", ".xlsx,.csv")
            .flag("required")
        Paragraph { Submit(button) }
    }
}

func Hidden(_ name: String, _ value: String) -> any Component {
    VoidElement("input").attr("type", "hidden").attr("name", name).attr("value", value)
}

/// A submit button.
func Submit(_ label: String, class name: String = "") -> any Component {
    Element("button", text: label).classes(name)
}

/// A button that looks like a link (in the header, in lists).
func LinkButton(_ label: String) -> any Component { Submit(label, class: "link") }

/// A label for a field.
func FieldLabel(_ text: String, for id: String? = nil) -> any Component { Element("label", text: text).attr("for", id) }

/// A one-line text field.
func TextInput(
    _ name: String, id: String? = nil, value: String? = nil, type: String = "text", required: Bool = false,
    maxLength: Int? = nil, placeholder: String? = nil, inputMode: String? = nil, disabled: Bool = false
) -> any Component {
    VoidElement("input").attr("id", id).attr("name", name).attr("type", type == "text" ? nil : type)
        .attr("value", value).attr("maxlength", maxLength.map(String.init)).attr("placeholder", placeholder)
        .attr("inputmode", inputMode).flag("required", required).flag("disabled", disabled)
}

func TextBox(
    _ name: String, id: String? = nil, text: String = "", required: Bool = false, maxLength: Int? = nil,
    placeholder: String? = nil
) -> any Component {
    Element("textarea", text: text).attr("id", id).attr("name", name).attr("maxlength", maxLength.map(String.init))
        .attr("placeholder", placeholder).flag("required", required)
}

func Checkbox(_ name: String, value: String, checked: Bool = false, label: String) -> any Component {
    Element("label") {
        VoidElement("input").attr("type", "checkbox").attr("name", name).attr("value", value).flag("checked", checked)
        Words(" " + label)
    }
}

/// A status as a coloured badge.
func StatusBadge(_ s: ItemStatus, _ c: PageContext) -> any Component {
    Span { Words(c.name(s)) }.class("badge \(s.colour.rawValue)")
}

/// A badge in one of the status colours, with any words.
func Badge(_ text: String, colour: String) -> any Component { Span { Words(text) }.class("badge \(colour)") }

func LevelBadge(_ level: NoticeLevel, _ c: PageContext) -> any Component {
    Badge(c.t(level.chinese + "督办", level.english + " notice"), colour: level.rawValue)
}

/// Progress against what is expected by now, as a bar with a tick.
func ProgressBar(_ progress: Double?, expected: Double?, colour: StatusColour) -> any Component {
    let p = Int(((progress ?? 0) * 100).rounded())
    let e = Int(((expected ?? 0) * 100).rounded())
    return Span {
        Span {}.attr("style", "width:\(p)%")
        Element("i").attr("style", "left:\(e)%")
    }.class("bar \(colour.rawValue)").attr("role", "img").attr("aria-label", "进度 \(p)%，应达 \(e)%")
}

/// A notice message at the top of a page.
func Flash(_ text: String) -> any Component { Paragraph { Words(text) }.class("flash").attr("role", "status") }

func Muted(_ text: String) -> any Component { Paragraph { Words(text) }.class("muted") }
