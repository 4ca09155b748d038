import Foundation
import LuoshiCore
import OfficeOpenXML
import PlanReader
import Testing

/// Every input the reader takes, and a clear error for everything else.
@Suite("解码与格式 (decoding and formats)")
struct DecoderTests {
    static let plan = "某镇2016年工作计划\n主要预期目标是：地区生产总值增长8%以上。\n一、产业\n新建厂房5万平方米。\n"

    func check(_ plan: PlanDocument, encoding: String) {
        #expect(plan.source.encoding == encoding)
        #expect(plan.targets.map(\.value) == [8, 50_000])
        #expect(plan.sections.map(\.title) == ["产业"])
    }

    @Test("UTF-8，有无 BOM (UTF-8 with and without BOM)")
    func utf8() throws {
        check(try PlanReader.read(Data(Self.plan.utf8), name: "a.txt"), encoding: "UTF-8")
        check(try PlanReader.read(Data([0xEF, 0xBB, 0xBF] + Array(Self.plan.utf8)), name: "a.txt"), encoding: "UTF-8")
    }

    @Test("GB18030 / GBK")
    func gb18030() throws {
        let data = try #require(Self.plan.data(using: String.Encoding(rawValue: 0x8000_0632)))
        #expect(String(data: data, encoding: .utf8) == nil)
        check(try PlanReader.read(data, name: "gbk.txt"), encoding: "GB18030")
    }

    @Test("UTF-8 截断在字符中间或有几个坏字节：照常读取，不当作 GB18030 (UTF-8 cut inside a character or with a few bad bytes still reads)")
    func damagedUTF8() throws {
        // A longer plan, so that a few broken bytes are a small share of it.
        let long = Self.plan + String(repeating: "加强基层组织建设，提升为民服务水平，推动各项工作落地见效。\n", count: 100)
        var cut = Array(long.utf8)
        cut.append(contentsOf: Array("新建学校".utf8).prefix(4))  // 新 whole, 建 cut after its first byte
        let truncated = try PlanReader.read(Data(cut), name: "cut.txt")
        check(truncated, encoding: "UTF-8")
        var flipped = Array(long.utf8)
        for i in [200, 400, 600] { flipped[i] = 0xFF }
        check(try PlanReader.read(Data(flipped), name: "flipped.txt"), encoding: "UTF-8")
        // Mostly broken is still refused.
        #expect(throws: DocumentError.binary) {
            try PlanReader.read(Data((0..<4000).map { UInt8(truncatingIfNeeded: $0 &* 37 | 0x80) }), name: "x.txt")
        }
    }

    @Test("UTF-16 带 BOM (UTF-16 with a BOM)")
    func utf16() throws {
        let little = try #require(Self.plan.data(using: .utf16LittleEndian))
        check(try PlanReader.read(Data([0xFF, 0xFE]) + little, name: "le.txt"), encoding: "UTF-16LE")
        let big = try #require(Self.plan.data(using: .utf16BigEndian))
        check(try PlanReader.read(Data([0xFE, 0xFF]) + big, name: "be.txt"), encoding: "UTF-16BE")
    }

    @Test("HTML 页面：保留正文，去掉脚本、样式、导航 (HTML: text kept, scripts, styles and navigation dropped)")
    func html() throws {
        let page = """
            <!DOCTYPE html><html><head><title>某镇</title><style>p{color:red}</style>
            <script>var x = "增长99%";</script></head><body>
            <div class="nav"><ul><li>首页</li><li>政务公开</li></ul></div>
            <div class="position">您的位置：首页 &gt; 计划</div>
            <h1>某镇2016年工作计划</h1>
            <p>主要预期目标是：地区生产总值增长<span>8</span>%以上。</p>
            <p><strong>一、产业</strong></p><p>新建厂房5万&nbsp;平方米。</p>
            <div class="share">分享到：微信</div></body></html>
            """
        let plan = try PlanReader.read(Data(page.utf8), name: "page.html")
        check(plan, encoding: "UTF-8")
        #expect(plan.title == "某镇2016年工作计划")
    }

    @Test("Word .docx 的段落 (the paragraphs of a .docx)")
    func docx() throws {
        let lines = Self.plan.split(separator: "\n").map { WordDocument.Paragraph(text: String($0)) }
        let data = try WordDocumentWriter.docx(lines)
        let plan = try PlanReader.read(data, name: "plan.docx")
        check(plan, encoding: "UTF-8")
        #expect(try WordDocument.paragraphs(of: data).map(\.text) == lines.map(\.text))
    }

    @Test("Markdown：front matter、标题、粗体、表格 (Markdown)")
    func markdown() throws {
        let md = """
            ---
            title: 某区2019年工作计划
            issuer: 某区人民政府
            date: 2019-02-15
            ---
            # 一、主要指标
            2019年主要指标如下：
            | 指标 | 目标 |
            | --- | --- |
            | 地区生产总值增长 | 7%左右 |
            # 二、重点任务
            ## （一）产业
            **加快平台建设。** 新建研发机构8家。
            """
        let plan = try PlanReader.read(Data(md.utf8), name: "plan.md")
        #expect(plan.title == "某区2019年工作计划")
        #expect(plan.issuer == "某区")
        #expect(plan.published == "2019-02-15")
        #expect(plan.targets.map(\.value) == [7, 8])
        #expect(plan.targets.first?.headline == true)
        #expect(plan.targets.first?.comparator == .approximately)
    }

    @Test("无法读取的输入给出明确错误 (what cannot be read gets a clear error)")
    func refusals() throws {
        #expect(throws: DocumentError.empty) { try PlanReader.read(Data(), name: "empty.txt") }
        #expect(throws: DocumentError.empty) { try PlanReader.read(Data(" \n\t\u{3000}\n".utf8), name: "blank.txt") }
        #expect(throws: DocumentError.unsupportedFormat(found: "PDF 文件 (PDF)")) {
            try PlanReader.read(Data("%PDF-1.7\n".utf8), name: "a.pdf")
        }
        #expect(throws: DocumentError.binary) {
            try PlanReader.read(Data([0x00, 0x01, 0x02, 0x03, 0xFF, 0xFE, 0x10]), name: "bin")
        }
        let big = Data(count: DocumentDecoder.sizeLimit + 1)
        #expect(throws: DocumentError.tooLarge(bytes: DocumentDecoder.sizeLimit + 1, limit: DocumentDecoder.sizeLimit))
        {
            try PlanReader.read(big, name: "big.txt")
        }
        // A ZIP that is not a Word document says what it is.
        let zip = try WordDocumentWriter.docx([]).replacing(
            Data("word/document.xml".utf8), with: Data("word/xocument.xml".utf8))
        #expect(throws: DocumentError.self) { try PlanReader.read(zip, name: "x.docx") }
    }

    @Test("错误信息一行且先中文 (error messages are one line, Chinese first)")
    func messages() {
        for e in [
            DocumentError.empty, .binary, .tooLarge(bytes: 1, limit: 0), .unsupportedFormat(found: "PDF"),
            .noPlanContent,
        ] {
            #expect(!e.message.contains("\n"))
            #expect(e.message.unicodeScalars.first.map { $0.value >= 0x4E00 } == true)
        }
    }
}
