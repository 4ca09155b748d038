import LuoshiCore
import Testing

@Suite("措辞 (people's words inside the app's sentences)")
struct WordingTests {
    @Test("句末标点不重复，“请”不叠用 (no doubled sentence endings, no 请请)")
    func clauses() {
        #expect(Wording.clause("进度滞后于序时。") == "进度滞后于序时")
        #expect(Wording.clause(" 进度滞后，；。 ") == "进度滞后")
        #expect(Wording.clause("Behind schedule.") == "Behind schedule")
        #expect(Wording.clause("。") == "")
        #expect(Wording.request("请提出整改措施。") == "提出整改措施")
        #expect(Wording.request("提出整改措施") == "提出整改措施")
        let sentence = "经济发展局：\(Wording.clause("进度滞后。"))。请\(Wording.request("请按期整改。"))，并于7月7日前反馈。"
        #expect(sentence == "经济发展局：进度滞后。请按期整改，并于7月7日前反馈。")
    }
}

@Test("标题的简称：去掉序号，到第一个停顿为止 (a heading's short name)")
func headingShortNames() {
    #expect(Wording.shortName("一、加快转型升级，推动经济发展") == "加快转型升级")
    #expect(Wording.shortName("（三）强化社会管理。") == "强化社会管理")
    #expect(Wording.shortName("2. 民生实事") == "民生实事")
    #expect(Wording.shortName("第一，抓项目促投资") == "抓项目促投资")
    #expect(Wording.shortName("坚持以人为本，保障和改善民生") == "坚持以人为本")
    #expect(Wording.shortName("一二三四五六七八九十十一十二十三") == "一二三四五六七八九十十一")
}
