import Fluent
import Foundation
import LuoshiCore
import Vapor

/// The review page's corrections, in the browser and the API.
struct EditController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post("items", ":itemID", "edit", use: edit)
        routes.post("items", ":itemID", "retire", use: retire)
        routes.post("items", ":itemID", "move", use: move)
        routes.post("items", ":itemID", "merge", use: merge)
        routes.post("items", ":itemID", "split", use: split)
        routes.post("plans", ":planID", "items", use: add)
        routes.patch("api", "v1", "items", ":itemID", use: apiEdit)
    }

    func back(_ req: Request, _ item: PlanItem) -> Response {
        req.redirect(to: "/plans/\(item.$plan.id)/review?item=\(item.id!)#i-\(item.id!)")
    }

    @Sendable func edit(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let item = try await PlanStore.findItem(req.parameters.get("itemID"), on: req.db)
        try await PlanEdits.edit(
            item.id!, try req.content.decode(PlanEdits.Fields.self), actor: user, on: req.store, now: req.now)
        return back(req, item)
    }

    @Sendable func apiEdit(req: Request) async throws -> HTTPStatus {
        let user = try req.user(.admin)
        let item = try await PlanStore.findItem(req.parameters.get("itemID"), on: req.db)
        try await PlanEdits.edit(
            item.id!, try req.content.decode(PlanEdits.Fields.self), actor: user, on: req.store, now: req.now)
        return .noContent
    }

    struct Reasoned: Content {
        var reason: String?
        var parent: String?
        var other: String?
        var first: String?
        var second: String?
    }

    @Sendable func retire(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let item = try await PlanStore.findItem(req.parameters.get("itemID"), on: req.db)
        let form = try req.content.decode(Reasoned.self)
        try await PlanEdits.retire(item.id!, reason: form.reason, actor: user, on: req.store, now: req.now)
        return req.redirect(to: "/plans/\(item.$plan.id)/review")
    }

    @Sendable func move(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let item = try await PlanStore.findItem(req.parameters.get("itemID"), on: req.db)
        let form = try req.content.decode(Reasoned.self)
        let parent = try form.parent.flatMap { $0.isEmpty ? nil : $0 }.map { s -> UUID in
            guard let u = UUID(uuidString: s) else { throw LuoshiError.invalid(field: "上级事项", reason: "无效的编号") }
            return u
        }
        try await PlanEdits.move(item.id!, to: parent, reason: form.reason, actor: user, on: req.store, now: req.now)
        return back(req, item)
    }

    @Sendable func merge(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let item = try await PlanStore.findItem(req.parameters.get("itemID"), on: req.db)
        let form = try req.content.decode(Reasoned.self)
        let other = try await PlanStore.findItem(form.other, on: req.db)
        try await PlanEdits.merge(
            item.id!, with: other.id!, reason: form.reason, actor: user, on: req.store, now: req.now)
        return back(req, item)
    }

    @Sendable func split(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let item = try await PlanStore.findItem(req.parameters.get("itemID"), on: req.db)
        let form = try req.content.decode(Reasoned.self)
        _ = try await PlanEdits.split(
            item.id!, first: form.first ?? "", second: form.second ?? "", reason: form.reason, actor: user,
            on: req.store,
            now: req.now)
        return back(req, item)
    }

    struct AddForm: Content {
        var kind: String
        var parent: String?
        var title: String
        var reason: String?
    }

    @Sendable func add(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let plan = try await PlanStore.find(req.parameters.get("planID"), on: req.db)
        let form = try req.content.decode(AddForm.self)
        guard let kind = ItemKind(rawValue: form.kind) else { throw LuoshiError.invalid(field: "类型", reason: "未知的类型") }
        let parent = form.parent.flatMap { $0.isEmpty ? nil : UUID(uuidString: $0) }
        let item = try await PlanEdits.add(
            PlanEdits.NewItem(kind: kind, parent: parent, title: form.title, reason: form.reason), to: plan.id!,
            actor: user, on: req.store, now: req.now)
        return back(req, item)
    }

    /// The forms shown beside a chosen item on the review page.
    static func forms(_ req: Request, item: PlanItem, items: [PlanItem], plan: Plan, lang: Lang) -> String {
        let reasonField =
            plan.status == .draft
            ? ""
            : "<label>\(lang.t("修改理由（已发布的承诺必填）", "Reason (required for published promises)"))</label><input name=\"reason\" required maxlength=\"500\">"
        var out = "<section class=\"card stack\"><h2>\(lang.t("修改所选事项", "Correct the chosen item"))</h2>"
        out += """
            <form method="post" action="/items/\(item.id!)/edit" class="stack">\(Layout.csrfField(req))
            <label>\(lang.t("文字", "Words"))</label><textarea name="title" required>\(h(item.title))</textarea>
            """
        if item.kind == .target {
            out += """
                <label>\(lang.t("主体", "Subject"))</label><input name="subject" value="\(h(item.subject))">
                <label>\(lang.t("比较", "Comparator"))</label><select name="comparator">\(TargetComparator.allCases.map { "<option\($0.rawValue == item.comparator ? " selected" : "")>\($0.rawValue)</option>" }.joined())</select>
                <label>\(lang.t("数值", "Value"))</label><input name="value" value="\(item.value.map { String($0) } ?? "")" inputmode="decimal">
                <label>\(lang.t("下限 / 上限", "Min / max"))</label><input name="valueMin" value="\(item.valueMin.map { String($0) } ?? "")" inputmode="decimal"> <input name="valueMax" value="\(item.valueMax.map { String($0) } ?? "")" inputmode="decimal">
                <label>\(lang.t("单位", "Unit"))</label><input name="unit" value="\(h(item.unit))">
                <label>\(lang.t("基数（从…提高到…的起点）", "Baseline (where the count starts)"))</label><input name="baseline" value="\(item.baseline.map { String($0) } ?? "")" inputmode="decimal">
                """
        }
        out += "\(reasonField)<p><button>\(lang.t("保存", "Save"))</button></p></form>"
        let sections = items.filter { ($0.kind == .area || $0.kind == .theme) && $0.id != item.id }
        out += """
            <form method="post" action="/items/\(item.id!)/move" class="stack">\(Layout.csrfField(req))
            <label>\(lang.t("移到", "Move under"))</label><select name="parent"><option value="">\(lang.t("（顶层）", "(top)"))</option>\(sections.map { "<option value=\"\($0.id!)\"\($0.id == item.$parent.id ? " selected" : "")>\(h(String($0.title.prefix(30))))</option>" }.joined())</select>
            \(reasonField)<p><button>\(lang.t("移动", "Move"))</button></p></form>
            """
        let siblings = items.filter { $0.kind == item.kind && $0.$parent.id == item.$parent.id && $0.id != item.id }
        if !siblings.isEmpty {
            out += """
                <form method="post" action="/items/\(item.id!)/merge" class="stack">\(Layout.csrfField(req))
                <label>\(lang.t("与此项合并", "Merge with"))</label><select name="other">\(siblings.map { "<option value=\"\($0.id!)\">\(h(String($0.title.prefix(30))))</option>" }.joined())</select>
                \(reasonField)<p><button>\(lang.t("合并", "Merge"))</button></p></form>
                """
        }
        let scalars = Array(item.title)
        let half = scalars.count / 2
        out += """
            <form method="post" action="/items/\(item.id!)/split" class="stack">\(Layout.csrfField(req))
            <label>\(lang.t("拆分为两项：前半", "Split in two: first part"))</label><textarea name="first">\(h(String(scalars[..<half])))</textarea>
            <label>\(lang.t("后半", "second part"))</label><textarea name="second">\(h(String(scalars[half...])))</textarea>
            \(reasonField)<p><button>\(lang.t("拆分", "Split"))</button></p></form>
            <form method="post" action="/items/\(item.id!)/retire" class="stack">\(Layout.csrfField(req))\(reasonField)
            <p><button>\(lang.t("撤销此项（保留其报送与督办单，从计划中移出）", "Retire (its reports and notices are kept; it leaves the plan)"))</button></p></form>
            <form method="post" action="/plans/\(plan.id!)/items" class="stack">\(Layout.csrfField(req))
            <input type="hidden" name="parent" value="\(item.kind == .area || item.kind == .theme ? item.id!.uuidString : item.$parent.id?.uuidString ?? "")">
            <label>\(lang.t("在此处新增", "Add here"))</label><select name="kind">\([ItemKind.task, .theme, .project, .area].map { "<option value=\"\($0.rawValue)\">\(h(lang.t($0.chinese, $0.rawValue)))</option>" }.joined())</select>
            <textarea name="title" required placeholder="\(lang.t("文字", "Words"))"></textarea>
            \(reasonField)<p><button>\(lang.t("新增", "Add"))</button></p></form></section>
            """
        return out
    }
}
