import Foundation
import LuoshiCore

/// Reads a work-plan document into `luoshi-plan/1`:
/// decode → undo scrape damage → find the plan section → headings → tasks → targets → projects.
public enum PlanReader {
    /// Reads a document's bytes. Throws a `DocumentError` that says what was found when the bytes are
    /// not a readable document; never returns a partial plan.
    public static func read(_ data: consuming Data, name: String) throws(DocumentError) -> PlanDocument {
        let sha = Fingerprint.sha256Hex(data)
        let decoded = try DocumentDecoder.decode(data)
        // The bytes are not needed once decoded; a caller that hands them over frees them here.
        _ = consume data
        return try read(decoded, name: name, sha256: sha)
    }

    /// Reads already decoded text (as a plain-text document unless told otherwise).
    public static func read(text: String, name: String = "text", format: DocumentFormat = .plainText)
        throws(DocumentError) -> PlanDocument
    {
        let decoded =
            DocumentDecoder.looksLikeHTML(text) && format == .plainText
            ? {
                let page = HTMLText.extract(text)
                return DecodedDocument(
                    text: page.text, encoding: "UTF-8", format: .html, headingLevels: page.headings,
                    boldLeadLines: page.boldLines, itemLines: page.rows)
            }()
            : DecodedDocument(
                text: text, encoding: "UTF-8",
                format: format == .plainText && DocumentDecoder.looksLikeMarkdown(text) ? .markdown : format,
                headingLevels: [:])
        return try read(decoded, name: name, sha256: Fingerprint.sha256Hex(Array(text.utf8)))
    }

    /// Reads a document and says why: which rule made each heading, the plan section, each target's subject
    /// and comparator (`luoshi import --explain`).
    public static func explain(_ data: Data, name: String) throws(DocumentError) -> (
        PlanDocument, ReadingExplanation
    ) {
        let sha = Fingerprint.sha256Hex(data)
        let decoded = try DocumentDecoder.decode(data)
        var explanation: ReadingExplanation? = ReadingExplanation()
        let plan = try read(decoded, name: name, sha256: sha, explanation: &explanation)
        return (plan, explanation ?? ReadingExplanation())
    }

    static func read(_ decoded: consuming DecodedDocument, name: String, sha256: String) throws(DocumentError)
        -> PlanDocument
    {
        var ignored: ReadingExplanation?
        return try read(decoded, name: name, sha256: sha256, explanation: &ignored)
    }

    /// `explanation` is filled when it is not nil: the rules are recorded always, their words only on request.
    static func read(
        _ decoded: consuming DecodedDocument, name: String, sha256: String, explanation: inout ReadingExplanation?
    ) throws(DocumentError) -> PlanDocument {
        // Memory: the text, its scalars and the cleaned copy are each as large as the document; each is
        // let go as soon as the next exists, so a 20 MB document stays well under 10× its size.
        var source = Array(decoded.text.unicodeScalars)
        decoded.text = ""
        let characters = source.count
        let clean = Cleaner.clean(
            source, format: decoded.format, headingLevels: decoded.headingLevels, boldLeadLines: decoded.boldLeadLines,
            itemLines: decoded.itemLines)
        source = []
        if clean.lines.isEmpty { throw .noPlanContent }
        return Assembler(clean: clean).plan(
            source: PlanSource(name: name, sha256: sha256, encoding: decoded.encoding, characters: characters),
            explanation: &explanation)
    }
}

/// Why the reader read a document as it did: the rule behind each heading, the plan section, and each
/// target's subject and comparator. Ids are those of the plan (sections "1.2", targets "t12").
public struct ReadingExplanation: Sendable, Equatable {
    public struct Part: Sendable, Equatable {
        public var title: String
        /// What the part is: 回顾, 计划, 五年目标 …
        public var zone: String
        public var reason: String
    }

    public struct Target: Sendable, Equatable {
        /// How the figure was found and where.
        public var found: String
        public var subject: String
        public var comparator: String
        public var headline: String?
        public var baseline: String?
    }

    /// The plan section's heading and the rule that chose it; nil when the document is a plan throughout.
    public var planSection: (heading: String, reason: String)?
    public var parts: [Part] = []
    public var headings: [String: String] = [:]
    public var targets: [String: Target] = [:]

    public init() {}

    public static func == (a: ReadingExplanation, b: ReadingExplanation) -> Bool {
        a.planSection?.heading == b.planSection?.heading && a.planSection?.reason == b.planSection?.reason
            && a.parts == b.parts && a.headings == b.headings && a.targets == b.targets
    }
}

/// Puts the pieces together into the exchange format.
struct Assembler {
    let clean: CleanText
    var c: [Unicode.Scalar] { clean.chars }

    func span(_ r: Range<Int>) -> Span {
        let s = clean.span(r)
        return Span(start: s.start, end: s.end)
    }

    func plan(source: PlanSource, explanation: inout ReadingExplanation?) -> PlanDocument {
        let c = clean.chars
        // Title, year, issuer, date.
        let titleLine = clean.lines.first.flatMap { l -> Range<Int>? in
            l.range.count <= 60 && !Scalars.isSentenceEnd(c[l.range.upperBound - 1])
                && Numbering.at(c, l.range.lowerBound, end: l.range.upperBound) == nil ? l.range : nil
        }
        let title = clean.meta.title ?? titleLine.map { clean.string($0) }
        var year = clean.meta.year ?? title.flatMap(Assembler.planYearIn)
        var published = clean.meta.published
        // A work report is given at the people's congress early in the year it plans for: the date of that
        // sitting, at the top, is the plan year, whatever year the title names (a "2015年…工作报告" given on
        // 2016年1月25日 plans 2016).
        if let sitting = Assembler.sittingDate(clean), let y = Int(sitting.prefix(4)) {
            // A sitting late in the year (2022年12月29日) plans for the next.
            let month = Int(sitting.dropFirst(5).prefix(2)) ?? 1
            year = month >= 10 ? y + 1 : y
            if published == nil { published = sitting }
        }
        // The subtitle of a report: ——2016年1月15日在XX县第十七届人民代表大会第五次会议上.
        var structure = Structure(clean, planYear: year)
        if published == nil, let sub = structure.subtitleRange { published = Cleaner.findDate(c, sub) }
        if year == nil, let part = structure.planPart { year = Assembler.yearIn(clean.string(part.titleRange)) }
        // A document's own date, on a short line of its own near its start or end: 某县人民政府办公室 2024年2月26日.
        if published == nil {
            let candidates = Array(clean.lines.prefix(3)) + Array(clean.lines.suffix(3))
            for line in candidates where line.range.count <= 30 {
                if let date = Cleaner.findDate(c, line.range), line.range.count - 10 <= 20,
                    !Scalars.isSentenceEnd(c[line.range.upperBound - 1])
                {
                    published = date
                    break
                }
            }
        }
        if year == nil, let p = published { year = Int(p.prefix(4)) }
        if year != nil && structure.planPart == nil && clean.meta.year == nil
            && title.flatMap(Assembler.planYearIn) == nil
        {
            structure = Structure(clean, planYear: year)
        }
        let issuer =
            clean.meta.declaredIssuer.map(Assembler.placeOnly) ?? title.flatMap { Assembler.issuer(fromTitle: $0) }
            ?? structure.subtitleRange.flatMap { Assembler.issuerFromSubtitle(clean.string($0)) }
            ?? Assembler.sittingLine(clean).flatMap { Assembler.issuerFromSubtitle(clean.string($0)) }
            ?? clean.meta.issuer.map(Assembler.placeOnly)

        // Sections with tasks.
        let nodes = structure.allAreaNodes()
        func section(_ n: Structure.Node) -> PlanSection {
            var tasks: [PlanTask] = []
            for r in n.body {
                // An annex item is one task however many sentences it has.
                for s in n.zone == .annex && n.level == 1 ? [r] : sentences(r) {
                    tasks.append(PlanTask(id: "\(n.id).t\(tasks.count + 1)", text: clean.string(s), span: span(s)))
                }
            }
            var titleRange = n.titleRange
            while titleRange.count > 1, Scalars.isSpace(c[titleRange.upperBound - 1]) {
                titleRange = titleRange.lowerBound..<(titleRange.upperBound - 1)
            }
            let headingSpanEnd = max(n.titleRange.upperBound, n.end)
            return PlanSection(
                id: n.id, number: n.number, title: clean.string(titleRange), level: n.level,
                span: span(n.titleRange.lowerBound..<headingSpanEnd), tasks: tasks, sections: n.children.map(section))
        }
        let sections = structure.areas.map(section)

        // Projects and mechanisms.
        let finder = ProjectFinder(c: c)
        var projects: [(found: ProjectFinder.Found, section: String?, attributes: [ProjectAttribute])] = []
        var mechanisms: [PlanMechanism] = []
        var projectNames = Set<String>()
        var mechanismNames = Set<String>()
        // Sentences in document order, for finding the project a figure describes.
        var sentenceStarts: [Int] = []
        var projectsBySentence: [Int: [Int]] = [:]
        for n in nodes where n.zone == .plan || n.zone == .annex {
            for r in [n.titleRange] + n.body {
                for s in sentences(r) {
                    sentenceStarts.append(s.lowerBound)
                    for p in finder.projects(in: s) where projectNames.insert(p.name).inserted {
                        projectsBySentence[s.lowerBound, default: []].append(projects.count)
                        projects.append((p, n.id, []))
                    }
                    for m in finder.mechanisms(in: s) where mechanismNames.insert(m.name).inserted {
                        mechanisms.append(PlanMechanism(name: m.name, section: n.id, span: span(m.range)))
                    }
                }
            }
        }

        // Targets: headline block first, then the areas in document order.
        let builder = TargetBuilder(c: c, planYear: year)
        var drafts: [(TargetBuilder.Draft, headline: Bool, section: String?)] = []
        for r in structure.headlineRanges {
            for d in builder.targets(in: r) { drafts.append((d, true, nil)) }
        }
        var seen = Set<Int>()
        for d in drafts.map(\.0) { seen.insert(d.key) }
        // The plan part's own opening, before its areas, states the year's overall targets when the report
        // has no labelled block of them: "今年，国内生产总值增长8.5％。这个指标是指导性的。"
        if let part = structure.planPart, drafts.isEmpty {
            for r in part.body {
                for d in builder.targets(in: r) where seen.insert(d.key).inserted { drafts.append((d, true, nil)) }
            }
        }
        for n in nodes where n.zone == .plan || n.zone == .annex {
            // An annex's own heading counts its items (十项民生实事); its items hold the targets.
            let ranges = n.zone == .annex && n.level == 1 ? n.body : [n.titleRange] + n.body
            for r in ranges {
                // A body range belongs to the deepest open section, the node itself.
                for d in builder.targets(in: r) where seen.insert(d.key).inserted {
                    drafts.append((d, false, n.id))
                }
            }
        }
        // A document without any heading: its figures are still the plan's, outside any section.
        if structure.areas.isEmpty {
            for (index, line) in clean.lines.enumerated() where index != 0 || titleLine == nil {
                for d in builder.targets(in: line.range) where seen.insert(d.key).inserted {
                    drafts.append((d, false, nil))
                }
            }
        }
        for n in structure.conductNodes() {
            for r in [n.titleRange] + n.body {
                for d in builder.targets(in: r) where seen.insert(d.key).inserted {
                    drafts.append((d, false, nil))
                }
            }
        }
        var targets: [PlanTarget] = []
        var described: [(TargetBuilder.Draft, headline: Bool)] = []
        let foundProjects = projects.map(\.found)
        for (i, entry) in drafts.enumerated() {
            var d = entry.0
            // Kept only to explain: a large document has many targets.
            defer { if explanation != nil { described.append((d, entry.headline)) } }
            // Project attributes: the subject names the project (张江公路升级改造工程总投资).
            if let attribute = d.attribute {
                let sentence = sentenceStart(before: d.q.range.lowerBound, in: sentenceStarts)
                if let index = nearestProject(projectsBySentence[sentence] ?? [], foundProjects, to: d.q.range) {
                    d.subject = projects[index].found.name + attribute.noun
                    d.subjectRule = .projectAttribute
                    projects[index].attributes.append(
                        ProjectAttribute(
                            name: attribute.name, comparator: d.comparator, value: d.q.value, unit: d.q.unit))
                }
            }
            let q = d.q
            targets.append(
                PlanTarget(
                    id: "t\(i + 1)", section: entry.headline ? nil : entry.section, headline: entry.headline,
                    text: clean.string(d.textStart..<d.clause.upperBound), quantityText: clean.string(q.range),
                    subject: d.subject,
                    action: d.action, comparator: d.comparator, value: d.comparator == .range ? nil : q.value,
                    valueMin: q.valueMin, valueMax: q.valueMax, unit: q.unit, per: d.per, year: d.year ?? year,
                    scope: d.scope, span: span(q.range),
                    baseline: d.baseline.map {
                        TargetBaseline(value: $0.value, unit: $0.unit, year: $0.year, span: span($0.range))
                    }))
        }

        var planSection: PlanSectionRef?
        if let start = structure.planStart ?? structure.planPart {
            // The section runs from its first heading to the end of the last area (or of its own part).
            let end =
                ([start.end, start.titleRange.upperBound, structure.planPart?.end ?? 0]
                + structure.areas.filter { $0.zone == .plan }.map(\.end)).max()!
            planSection = PlanSectionRef(
                heading: clean.string(start.titleRange), span: span(start.titleRange.lowerBound..<end))
        }
        if explanation != nil {
            explanation = explain(structure, drafts: described, targets: targets)
        }
        return PlanDocument(
            title: title, issuer: issuer, year: year, published: published, source: source, planSection: planSection,
            sections: sections, targets: targets,
            projects: projects.enumerated().map { i, p in
                PlanProject(
                    id: "p\(i + 1)", name: p.found.name, section: p.section, attributes: p.attributes,
                    span: span(p.found.range))
            },
            mechanisms: mechanisms)
    }

    /// The words of the rules behind the plan (only when asked for: a large document has many targets).
    func explain(_ structure: Structure, drafts: [(TargetBuilder.Draft, headline: Bool)], targets: [PlanTarget])
        -> ReadingExplanation
    {
        var out = ReadingExplanation()
        if let start = structure.planStart ?? structure.planPart {
            out.planSection = (clean.string(start.titleRange), structure.planStartWords)
        }
        let zoneNames: [Structure.Zone: String] = [
            .preamble: "开头 (preamble)", .review: "回顾 (review)", .fiveYear: "五年目标 (five-year goals)",
            .plan: "计划 (the plan)", .conduct: "政府自身建设 (conduct)", .annex: "附件 (annex)",
            .glossary: "名词解释 (glossary)", .closing: "结束语 (closing)", .other: "其他 (other)",
        ]
        for part in structure.root.children {
            out.parts.append(
                ReadingExplanation.Part(
                    title: clean.string(part.titleRange), zone: zoneNames[part.zone] ?? "",
                    reason: part.zoneReason.words))
        }
        for node in structure.allAreaNodes() { out.headings[node.id] = node.rule.words }
        for (target, draft) in zip(targets, drafts) {
            let d = draft.0
            let place =
                target.section.map { "在领域 \($0) (a number with its unit, in section \($0))" }
                ?? "在各领域之外 (a number with its unit, outside the areas)"
            out.targets[target.id] = ReadingExplanation.Target(
                found: "「\(target.quantityText)」：数字与单位「\(d.q.unit)」，\(place)",
                subject: target.subject == nil ? TargetBuilder.SubjectRule.none.words : d.subjectRule.words,
                comparator: d.comparatorRule.words,
                headline: draft.headline
                    ? "在“主要预期目标”的段落或表格中 (in the headline-target paragraph or table)" : nil,
                baseline: target.baseline.map { b in
                    "起点 \(b.value == b.value.rounded() && abs(b.value) < 1e15 ? String(Int(b.value)) : String(b.value))\(b.unit ?? "")：从、由、比或“现有”之后的数量 (the figure after 从, 由, 比 or 现有)"
                })
        }
        return out
    }

    /// Sentences of a paragraph, each with its closing punctuation (and a closing quote after it).
    func sentences(_ r: Range<Int>) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var s = r.lowerBound
        var k = r.lowerBound
        while k < r.upperBound {
            if Scalars.isSentenceEnd(c[k]) {
                var e = k + 1
                while e < r.upperBound && Scalars.isCloseQuote(c[e]) { e += 1 }
                if e - s > 1 { out.append(s..<e) }
                s = e
                k = e
                continue
            }
            k += 1
        }
        if r.upperBound - s > 1 { out.append(s..<r.upperBound) }
        return out
    }

    /// The start of the sentence that holds `i` (binary search over sentence starts in order).
    func sentenceStart(before i: Int, in starts: [Int]) -> Int {
        var lo = 0
        var hi = starts.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if starts[mid] <= i { lo = mid + 1 } else { hi = mid }
        }
        return lo > 0 ? starts[lo - 1] : -1
    }

    /// The project of the sentence nearest to a figure.
    func nearestProject(_ candidates: [Int], _ found: [ProjectFinder.Found], to r: Range<Int>) -> Int? {
        var best: Int?
        var bestDistance = Int.max
        for i in candidates {
            let p = found[i]
            let distance =
                p.range.upperBound <= r.lowerBound
                ? r.lowerBound - p.range.upperBound : p.range.lowerBound - r.upperBound
            // A project in a later clause of the sentence names the figure only as the end of a chain of its
            // attributes (占地面积6.56万平方米，…，总投资约5亿元的德力新天地项目), not as another clause's object
            // (省重点项目完成投资220亿元，确保黄骅港一期…).
            if p.range.lowerBound >= r.upperBound, p.range.lowerBound > 0, c[p.range.lowerBound - 1] != "的",
                (r.upperBound..<p.range.lowerBound).contains(where: { Scalars.isClauseEnd(c[$0]) })
            {
                continue
            }
            if distance >= 0 && distance < bestDistance {
                best = i
                bestDistance = distance
            }
        }
        return best
    }

    /// The year a title plans for: 张芝山镇2015年度工作计划 → 2015; in 2023年工作总结及2024年工作计划, the year
    /// of the plan, not of the summary.
    static func planYearIn(_ title: String) -> Int? {
        let s = Array(title.unicodeScalars)
        var years: [(value: Int, end: Int)] = []
        var k = 0
        while k + 4 <= s.count {
            if let v = Cleaner.readInt(s, k, s.count), v.end - k == 4, v.value >= 1949, v.value <= 2100,
                k == 0 || !Scalars.isDigit(s[k - 1])
            {
                years.append((v.value, v.end))
                k = v.end
                continue
            }
            k += 1
        }
        guard years.count > 1 else { return years.first?.value ?? yearIn(title) }
        let planWords = WordList(["计划", "要点", "安排", "任务", "目标"])
        for y in years where planWords.contains(in: s, y.end..<min(s.count, y.end + 8)) { return y.value }
        return years.last?.value
    }

    /// The lines near the top that name the congress sitting: 在XX市第十六届人民代表大会第三次会议上.
    static func congressLines(_ clean: CleanText) -> [Int] {
        let congress = "代表大会".scalars
        return clean.lines.prefix(8).indices.filter {
            clean.lines[$0].range.count <= 90 && clean.chars.contains(congress, in: clean.lines[$0].range)
        }
    }

    static func sittingLine(_ clean: CleanText) -> Range<Int>? {
        congressLines(clean).first.map { clean.lines[$0].range }
    }

    /// The date of the congress sitting a work report was given at: on a line naming the 代表大会 or on one
    /// of the two lines after it.
    static func sittingDate(_ clean: CleanText) -> String? {
        let lines = clean.lines.prefix(8)
        for i in congressLines(clean) {
            for l in lines[i..<min(lines.count, i + 3)] where l.range.count <= 90 {
                if let date = Cleaner.findDate(clean.chars, l.range) { return date }
            }
        }
        return nil
    }

    /// The first year (19xx/20xx) followed by 年 in a text.
    static func yearIn(_ text: String) -> Int? {
        let s = Array(text.unicodeScalars)
        var k = 0
        while k + 4 < s.count + 1 {
            if let v = Cleaner.readInt(s, k, s.count), v.end - k == 4, v.value >= 1949, v.value <= 2100,
                v.end == s.count || s[v.end] == "年" || s[v.end] == "—" || s[v.end] == "-"
            {
                return v.value
            }
            k += 1
        }
        return nil
    }

    static let docTypes = [
        "年度工作计划", "工作计划", "工作要点", "工作安排", "工作报告", "工作任务", "重点工作", "实施方案",
        "计划", "报告", "要点",
    ]

    /// The government from a title: 张芝山镇2015年度工作计划 → 张芝山镇; 岑州市2021年重点工作计划 → 岑州市.
    static func issuer(fromTitle full: String) -> String? {
        // A note in brackets at the end (the year, the date and speaker) is not part of the name.
        var title = full.trimmingCharacters(in: .whitespaces)
        if title.hasSuffix("）") || title.hasSuffix(")"), let open = title.lastIndex(where: { $0 == "（" || $0 == "(" }),
            open > title.startIndex
        {
            title = String(title[..<open]).trimmingCharacters(in: .whitespaces)
        }
        // Digits, not numerals: 四川省 keeps its 四.
        func isDigit(_ x: Character) -> Bool { x.unicodeScalars.count == 1 && Scalars.isDigit(x.unicodeScalars.first!) }
        // The words before the year name the government, when there are any.
        if let year = title.firstIndex(where: isDigit), year > title.startIndex {
            let place = placeOnly(String(title[..<year]))
            if isPlace(place) { return place }
        }
        var t = title
        for d in docTypes where t.hasSuffix(d) {
            t = String(t.dropLast(d.count))
            break
        }
        // Remove the year expression wherever it stands.
        var out = ""
        var chars = Array(t)
        var i = 0
        while i < chars.count {
            if isDigit(chars[i]) {
                var j = i
                while j < chars.count && isDigit(chars[j]) { j += 1 }
                if j < chars.count && chars[j] == "年" { j += 1 }
                if j < chars.count && chars[j] == "度" { j += 1 }
                i = j
                continue
            }
            out.append(chars[i])
            i += 1
        }
        chars = []
        let place = placeOnly(out)
        return isPlace(place) ? place : nil
    }

    /// How the name of a government ends: 省, 市, 县, 区, 镇, 乡, 街道, 自治州 … (a title without a place,
    /// "2021年政府工作报告", names none).
    static let placeEndings = ["自治区", "自治州", "自治县", "街道", "管委会", "办事处", "省", "市", "县", "区", "镇", "乡", "州", "盟", "旗"]

    static func isPlace(_ s: String) -> Bool {
        s.count >= 2 && s.count <= 16 && s.unicodeScalars.allSatisfy(Scalars.isHan)
            && placeEndings.contains(where: { s.hasSuffix($0) && s.count > $0.count })
    }

    static func placeOnly(_ s: String) -> String {
        var t = s.trimmingCharacters(in: " ：:，,")
        for suffix in ["人民政府", "政府"] where t.hasSuffix(suffix) && t.count > suffix.count + 1 {
            t = String(t.dropLast(suffix.count))
        }
        return t
    }

    /// 在XX县第十七届人民代表大会 → XX县; 2017年1月9日长沙市第十五届人民代表大会 → 长沙市.
    static func issuerFromSubtitle(_ s: String) -> String? {
        guard let congress = s.range(of: "人民代表大会") else { return nil }
        var head = s[..<congress.lowerBound]
        // 第十五届 names the session, not the place.
        if let session = head.range(of: "第", options: .backwards) { head = head[..<session.lowerBound] }
        // What stands after the last 在 or date: the place.
        if let at = head.lastIndex(where: { $0 == "在" || $0 == "日" || $0 == "—" }) {
            head = head[head.index(after: at)...]
        }
        let place = placeOnly(String(head))
        return isPlace(place) ? place : nil
    }
}
