/// Named projects, enterprises and facilities, and the mechanisms a plan commits to.
///
/// Two patterns of the genre find projects: a list closed by 等(一批)项目/工程/企业
/// ("推进A、B、C等项目开工建设"), and a name ending in a project word (工程, 项目, 公园, 幼儿园 …)
/// that starts after the clause's verb, after 的, or inside quotes.
struct ProjectFinder {
    let c: [Unicode.Scalar]

    struct Found {
        var name: String
        var range: Range<Int>
    }

    static let suffixes = WordList(Lexicon.projectSuffixes)
    static let lead = WordList(Lexicon.leadVerbs + Lexicon.actionVerbs)
    static let listTails = WordList(["项目", "工程", "企业", "重点项目", "一批项目", "一批"])
    static let mechanismSuffixes = WordList(Lexicon.mechanismSuffixes)
    static let genericPrefixes = WordList(["公办", "民办", "各类", "各级", "相关", "有关", "这些", "所有", "其他", "其它", "各个", "一批", "各"])
    static let statusPrefixes = WordList(["已建", "在建", "新建", "续建", "拟建", "一批"])

    /// Projects named in one sentence.
    func projects(in sentence: Range<Int>) -> [Found] {
        var found: [Found] = []
        // 1. Lists closed by 等…项目.
        var k = sentence.lowerBound
        while k < sentence.upperBound {
            if c[k] == "等",
                ProjectFinder.listTails.match(c, at: k + 1, limit: sentence.upperBound) != nil
                    || (k + 1 < sentence.upperBound
                        && ProjectFinder.suffixes.firstMatch(c, in: (k + 1)..<min(sentence.upperBound, k + 9)) != nil)
            {
                let clause = clauseStart(k, sentence.lowerBound)
                // In a list the items keep their own 的 (东方泵业的二期).
                let start = nameStart(clause..<k, afterDe: false)
                for item in split(start..<k) { add(&found, item) }
            }
            k += 1
        }
        // 2. Names ending in a project word.
        k = sentence.lowerBound
        while k < sentence.upperBound {
            guard let m = ProjectFinder.suffixes.match(c, at: k, limit: sentence.upperBound) else {
                k += 1
                continue
            }
            let end = k + ProjectFinder.suffixes.words[m].count
            let clause = clauseStart(k, sentence.lowerBound)
            var start = nameStart(clause..<k)
            // Inside quotes the name is what the quotes hold.
            if let q = lastIndex(in: clause..<k, where: { Scalars.isOpenQuote($0) }),
                !(q..<k).contains(where: { Scalars.isCloseQuote(c[$0]) })
            {
                start = q + 1
            }
            let items = split(start..<end)
            let quoted = start > 0 && Scalars.isOpenQuote(c[start - 1])
            if let last = items.last,
                last.count - ProjectFinder.suffixes.words[m].count >= 2 || (quoted && last.count >= 3),
                !isGeneric(last)
            {
                for item in items { add(&found, item) }
            }
            k = end
        }
        // 3. Names ending in a word of a place class after a verb of building: 打造…“科技城”.
        placeNames(in: sentence, into: &found)
        // 4. Quoted programmes: “亮剑行动”, “鹭岛英才计划”, “城市清洁日”.
        k = sentence.lowerBound
        while k < sentence.upperBound {
            if Scalars.isOpenQuote(c[k]),
                let close = (k + 1..<min(sentence.upperBound, k + 14)).first(where: {
                    Scalars.isCloseQuote(c[$0])
                }),
                close - k - 1 >= 3, ProjectFinder.quotedSuffixes.match(c, endingAt: close, from: k + 1) != nil
            {
                add(&found, (k + 1)..<close)
                k = close + 1
                continue
            }
            k += 1
        }
        // Drop names inside longer names.
        return found.filter { f in
            !found.contains {
                $0.range != f.range && $0.range.contains(f.range.lowerBound)
                    && $0.range.upperBound >= f.range.upperBound && $0.range.count > f.range.count
            }
        }
    }

    static let qualifiers = WordList(Lexicon.projectQualifiers)
    static let placeClass = WordList(Lexicon.placeClassWords)
    static let genericWords = WordList([
        "落户", "配套", "产业项目", "商住", "重点", "重大", "相关", "开工", "招商", "去年", "今年",
        "上下游", "一批", "体验", "一站式", "各类", "外资", "在谈", "签约", "普惠", "城区", "每个", "为中心", "以上项目",
        "主体工程", "技术改造项目", "义务教育", "薄弱学校", "中小学", "城市公园", "国家级", "国家自主", "文化广场", "中心组",
        "示范项目", "重点项目", "民生项目",
    ])
    static let quotedSuffixes = WordList(Lexicon.quotedProgrammeSuffixes)
    static let clauseWords = WordList(["召开", "每月", "每季度", "每年", "每周", "一次", "开展", "推进会", "协调", "以上", "突出"])
    /// Openings of short names that describe a kind of thing, not one thing: 农村公路, 高速公路, 工业项目.
    static let genericOpenings = WordList(["农村", "高速", "工业", "一个", "三级", "二级", "城市", "新型", "社区", "村级", "镇级"])

    /// Names made of generic words (配套项目), or of qualifiers alone before 项目/工程 (优质新兴项目,
    /// 大型骨干工程), name no particular project.
    func isGeneric(_ r: Range<Int>) -> Bool {
        if ProjectFinder.genericWords.contains(in: c, r) { return true }
        guard c.has("项目".scalars, endingAt: r.upperBound) || c.has("工程".scalars, endingAt: r.upperBound) else {
            return false
        }
        return onlyQualifiers(r.lowerBound..<(r.upperBound - 2))
    }

    /// Whether words are qualifiers only (优质新兴, 大型骨干).
    func onlyQualifiers(_ r: Range<Int>) -> Bool {
        var k = r.lowerBound
        while k < r.upperBound, let m = ProjectFinder.qualifiers.match(c, at: k, limit: r.upperBound) {
            k += ProjectFinder.qualifiers.words[m].count
        }
        return k == r.upperBound
    }

    /// Characters before a place word that make a common noun (城区, 园区, 小区, 社区, 片区) or a slogan's
    /// verb and object (产业立区, 工业强县, 开放兴城), not a name.
    static let commonPlaceEndings: Set<Unicode.Scalar> = [
        "城", "园", "镇", "市", "县", "社", "小", "片", "辖", "厂", "矿", "营", "立", "兴", "强", "富", "美", "活", "暖", "治",
        "护",
    ]
    static let aspirations = WordList(Lexicon.aspirations)

    /// 打造…“科技城”, 推进…旅游度假区创建: a name that ends in a word of a place class (城, 园, 区, 天地 …) is a
    /// project when a verb of building leads to it, its own name before the class word has at least three
    /// characters and does not open with a generic word, and the class word ends the name (a clause end, a
    /// list mark, 等, a closing quote or a verb follows).
    func placeNames(in sentence: Range<Int>, into found: inout [Found]) {
        var k = sentence.lowerBound
        while k < sentence.upperBound {
            guard let m = ProjectFinder.placeClass.match(c, at: k, limit: sentence.upperBound) else {
                k += 1
                continue
            }
            var end = k + ProjectFinder.placeClass.words[m].count
            defer { k = end }
            if end < sentence.upperBound && Scalars.isCloseQuote(c[end]) { end += 1 }
            guard endsName(at: end, sentence) else { continue }
            let clause = clauseStart(k, sentence.lowerBound)
            let start = nameStart(clause..<k)
            // A verb of building leads to the name.
            guard start > clause, ProjectFinder.lead.match(c, endingAt: start, from: clause) != nil
            else { continue }
            let own = (start..<k).filter { !Scalars.isOpenQuote(c[$0]) && !Scalars.isCloseQuote(c[$0]) }
            guard own.count >= 3, own.allSatisfy({ Scalars.isHan(c[$0]) }),
                !ProjectFinder.commonPlaceEndings.contains(c[own[own.count - 1]]),
                // A name, not a count (“一区多园”), a pair (新区开发与老城) or a goal (美丽澄湾).
                !Scalars.isChineseNumeral(c[own[0]]),
                !own.contains(where: { c[$0] == "与" || c[$0] == "和" || c[$0] == "及" || c[$0] == "或" }),
                ProjectFinder.aspirations.match(c, at: own[0], limit: k) == nil,
                ProjectFinder.ranks.match(c, at: own[0], limit: k) == nil,
                ProjectFinder.qualifiers.match(c, at: own[0], limit: k).map({
                    ProjectFinder.qualifiers.words[$0].count < 2
                })
                    ?? true,
                ProjectFinder.genericOpenings.match(c, at: start, limit: k) == nil,
                ProjectFinder.genericPrefixes.match(c, at: start, limit: k) == nil,
                !ProjectFinder.lead.contains(in: c, start..<k), !genericPlace(start..<end), !onlyQualifiers(start..<k)
            else { continue }
            add(&found, start..<end)
        }
    }

    static let ranks = WordList(["国家级", "省级", "市级", "县级", "区级"])

    /// Generic words in a place's name; a rank after a name of its own belongs to the name (汀湖国家级旅游度假区),
    /// a rank that opens it makes a kind (国家级旅游度假区).
    func genericPlace(_ r: Range<Int>) -> Bool {
        var k = r.lowerBound
        while k < r.upperBound {
            guard let m = ProjectFinder.genericWords.match(c, at: k, limit: r.upperBound) else {
                k += 1
                continue
            }
            if k - r.lowerBound < 2 || ProjectFinder.ranks.match(c, at: k, limit: r.upperBound) == nil { return true }
            k += ProjectFinder.genericWords.words[m].count
        }
        return false
    }

    /// Whether a name can end at `i`: what follows is a clause end, a list mark, 等, or a verb (not 的: 打造
    /// “…新城”的目标 names a goal).
    func endsName(at i: Int, _ sentence: Range<Int>) -> Bool {
        if i >= sentence.upperBound { return true }
        let s = c[i]
        if Scalars.isClauseEnd(s) || Scalars.isSentenceEnd(s) || s == "、" || s == "和" || s == "及" || s == "等"
            || Scalars.isCloseQuote(s) || Scalars.isSpace(s)
        {
            return true
        }
        return ProjectFinder.lead.match(c, at: i, limit: sentence.upperBound) != nil
            || ProjectFinder.nameFollowers.match(c, at: i, limit: sentence.upperBound) != nil
    }

    /// Words that follow a name: 白鹭湖旅游度假区创建…, 鹤泉老街商业街区业态.
    static let nameFollowers = WordList(["创建", "建设", "开工", "开园", "开业", "投用", "投运", "业态", "项目", "品牌", "为"])

    func add(_ found: inout [Found], _ r: Range<Int>) {
        var s = r.lowerBound
        var e = r.upperBound
        while s < e
            && (Scalars.isOpenQuote(c[s]) || Scalars.isCloseQuote(c[s]) || Scalars.isSpace(c[s]))
        { s += 1 }
        while e > s
            && (Scalars.isOpenQuote(c[e - 1]) || Scalars.isCloseQuote(c[e - 1]) || c[e - 1] == "的")
        { e -= 1 }
        if let m = ProjectFinder.statusPrefixes.match(c, at: s, limit: e),
            e - s - ProjectFinder.statusPrefixes.words[m].count >= 3
        {
            s += ProjectFinder.statusPrefixes.words[m].count
        }
        // A numbered item of a list is not part of its name: （二）农村公路安全畅通工程.
        if let n = Numbering.at(c, s, end: e) { s += n.length }
        // The clause's own verbs and adverbs are not the name: 办好兰州科技成果博览会, 做大做强…集团. What a verb
        // leaves of two characters is a kind (深化景区, 做强中心).
        while let m = ProjectFinder.openers.match(c, at: s, limit: e) {
            let n = ProjectFinder.openers.words[m].count
            if e - s - n < 3 { return }
            s += n
        }
        // A name states no negation: 在谈未签约、签约未开工 are stages of projects.
        if (s..<e).contains(where: { c[$0] == "未" && ($0 + 1 >= e || c[$0 + 1] != "来") }) { return }
        if isClause(s..<e) { return }
        let quotedName = s > 0 && Scalars.isOpenQuote(c[s - 1])
        guard e - s >= (quotedName ? 2 : 3), e - s <= 30 else { return }
        // Doing words and frequencies make a clause, not a name: 季度召开一次项目.
        if ProjectFinder.clauseWords.contains(in: c, s..<e) { return }
        if e - s <= 5 && !quotedName && ProjectFinder.genericOpenings.match(c, at: s, limit: e) != nil { return }
        // "项目" names a particular project only after a name of at least three characters, not after
        // words of doing (二要提高项目, 抓项目, 技改项目).
        if !quotedName && c.has("项目".scalars, endingAt: e) {
            let name = s..<(e - 2)
            if name.count < 3 || ProjectFinder.lead.contains(in: c, name)
                || TargetBuilder.levelVerbs.contains(in: c, name)
            {
                return
            }
        }
        // 抓项目, 千方百计上项目: a verb of one character before 项目 makes a slogan.
        if c.has("项目".scalars, endingAt: e) && e - s > 2 && ProjectFinder.projectVerbs.contains(c[e - 3]) { return }
        if isKind(s..<e) { return }
        // A year makes it a heading or a programme's edition: 2021年市政府民生实事项目.
        if Assembler.yearIn(c.string(s..<e)) != nil { return }
        if ProjectFinder.genericPrefixes.match(c, at: s, limit: e) != nil && e - s <= 6 { return }
        // A name has no clause punctuation and no quantity in it (S218, 1号线 are parts of names).
        if (s..<e).contains(where: { Scalars.isClauseEnd(c[$0]) }) { return }
        let quantities = QuantityScanner.scan(c, s..<e)
        if quantities.contains(where: { !$0.chineseNumeral && !Lexicon.nonTargetUnits.contains(c.string($0.unitRange)) }
        ) {
            return
        }
        let name = String(
            String.UnicodeScalarView(
                c[s..<e].filter { !Scalars.isOpenQuote($0) && !Scalars.isCloseQuote($0) }))
        if found.contains(where: { $0.name == name }) { return }
        found.append(Found(name: name, range: s..<e))
    }

    static let openers = WordList(Lexicon.nameOpeners)
    static let kindWords = WordList(Lexicon.kindWords)
    static let projectVerbs: Set<Unicode.Scalar> = ["抓", "上", "争", "跑", "谋", "引", "建", "招"]
    /// A preposition or verb of one character that a name found too early starts with: (以)上重点实验室, 进…产业园.
    static let strayOpeners: Set<Unicode.Scalar> = ["上", "进", "与", "在", "好", "建", "抓"]
    /// The issuing government's own facility is one facility: 市中医院, 省文化馆新馆 (not 市级…, 省市…, 市场…).
    static let ownGovernment: Set<Unicode.Scalar> = ["市", "省", "县", "区", "州", "旗", "盟"]
    /// Second characters that make the first a level or a pair of levels (市级, 县乡村, 省部级, 区域, 市场), not the
    /// government's own.
    static let notOwn: Set<Unicode.Scalar> = [
        "级", "县", "区", "场", "市", "城", "乡", "镇", "村", "省", "州", "旗", "部", "域", "委",
    ]
    static let clauseVerbs = WordList(Lexicon.clauseVerbs)

    /// Whether a name is made of the plan's common words alone (乡镇卫生院, 智慧物流产业园, 山体绿化改造): it names a
    /// kind of project, not one. The issuing government's own facility of a kind is one (市中医院).
    func isKind(_ r: Range<Int>) -> Bool {
        if r.count >= 3, ProjectFinder.ownGovernment.contains(c[r.lowerBound]),
            !ProjectFinder.notOwn.contains(c[r.lowerBound + 1]),
            ProjectFinder.kindWords.covers(c, (r.lowerBound + 1)..<r.upperBound)
        {
            return false
        }
        if ProjectFinder.kindWords.covers(c, r) { return true }
        return r.count > 3 && ProjectFinder.strayOpeners.contains(c[r.lowerBound])
            && ProjectFinder.kindWords.covers(c, (r.lowerBound + 1)..<r.upperBound)
    }

    /// Whether a verb inside the words makes them a clause with its subject (民间开办博物馆, 企业在川设立交易结算中心,
    /// 要素跟着项目); a verb that ends a list's item (…调整和…) does not.
    func isClause(_ r: Range<Int>) -> Bool {
        var k = r.lowerBound + 1
        while k < r.upperBound {
            guard let m = ProjectFinder.clauseVerbs.match(c, at: k, limit: r.upperBound) else {
                k += 1
                continue
            }
            let rest = k + ProjectFinder.clauseVerbs.words[m].count
            if rest < r.upperBound, c[rest] != "和", c[rest] != "与", c[rest] != "及", c[rest] != "、" {
                return true
            }
            k = rest
        }
        return false
    }

    func clauseStart(_ i: Int, _ lower: Int) -> Int {
        var k = i - 1
        while k >= lower && !Scalars.isClauseEnd(c[k]) { k -= 1 }
        return k + 1
    }

    /// Where a name starts in the words before its end: after the clause's opening verbs, after 的, 以, 在.
    func nameStart(_ r: Range<Int>, afterDe: Bool = true) -> Int {
        var s = r.lowerBound
        // Skip the chain of opening verbs and adverbs: 进一步完善, 积极申报, 重点推进.
        var moved = true
        var steps = 0
        while moved && s < r.upperBound && steps < 6 {
            moved = false
            steps += 1
            if let m = ProjectFinder.lead.match(c, at: s, limit: r.upperBound) {
                s += ProjectFinder.lead.words[m].count
                moved = true
            } else if let m = TargetBuilder.noise.match(c, at: s, limit: r.upperBound) {
                s += TargetBuilder.noise.words[m].count
                moved = true
            }
        }
        if s == r.lowerBound {
            // No opening verb: the name starts after the last verb of the clause.
            if let (p, m) = ProjectFinder.lead.lastMatch(c, in: r) { s = p + ProjectFinder.lead.words[m].count }
        }
        if let p = lastIndex(in: s..<r.upperBound, where: { ($0 == "的" && afterDe) || $0 == "等" }) { s = p + 1 }
        return min(s, r.upperBound)
    }

    /// Splits a list of names at 、 (and 及, 和 between names).
    func split(_ r: Range<Int>) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var s = r.lowerBound
        for k in r where c[k] == "、" || c[k] == "及" {
            if k > s { out.append(s..<k) }
            s = k + 1
        }
        if r.upperBound > s { out.append(s..<r.upperBound) }
        return out
    }

    func lastIndex(in r: Range<Int>, where test: (Unicode.Scalar) -> Bool) -> Int? {
        var k = r.upperBound - 1
        while k >= r.lowerBound {
            if test(c[k]) { return k }
            k -= 1
        }
        return nil
    }

    /// Mechanisms named in one sentence: 河长制, 督查督办体系, 社会稳定风险评估机制.
    func mechanisms(in sentence: Range<Int>) -> [Found] {
        var found: [Found] = []
        var k = sentence.lowerBound
        while k < sentence.upperBound {
            guard let m = ProjectFinder.mechanismSuffixes.match(c, at: k, limit: sentence.upperBound) else {
                k += 1
                continue
            }
            let end = k + ProjectFinder.mechanismSuffixes.words[m].count
            let clause = clauseStart(k, sentence.lowerBound)
            var start = nameStart(clause..<k)
            if let q = lastIndex(in: clause..<k, where: { Scalars.isOpenQuote($0) }),
                !(q..<k).contains(where: { Scalars.isCloseQuote(c[$0]) })
            {
                start = q + 1
            }
            // 长效管理机制和督查督办体系: two names.
            if let p = lastIndex(in: start..<k, where: { $0 == "和" || $0 == "及" }), p > start,
                ProjectFinder.mechanismSuffixes.match(c, endingAt: p, from: start) != nil
            {
                start = p + 1
            }
            if end - start >= 2 && end - start <= 30 {
                let name = String(
                    String.UnicodeScalarView(
                        c[start..<end].filter { !Scalars.isOpenQuote($0) && !Scalars.isCloseQuote($0) })
                )
                if !found.contains(where: { $0.name == name }) && name.unicodeScalars.count >= 3 {
                    found.append(Found(name: name, range: start..<end))
                }
            }
            k = end
        }
        return found
    }
}
