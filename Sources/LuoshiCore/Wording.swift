/// Putting people's words into the app's sentences: a reason typed as "进度滞后。" must not come out as
/// "进度滞后。。", nor a required action typed as "请按期整改" as "请请按期整改".
public enum Wording {
    /// The words without the sentence ending they were typed with (。！；，、.!;, and spaces), so that
    /// the sentence they are put into can end them.
    public static func clause(_ text: String) -> String {
        var s = Substring(text)
        while let last = s.last, endings.contains(last) || last.isWhitespace { s = s.dropLast() }
        while let first = s.first, first.isWhitespace { s = s.dropFirst() }
        return String(s)
    }

    /// A request without its own leading 请, for a sentence that says 请 itself.
    public static func request(_ text: String) -> String {
        let c = clause(text)
        return c.hasPrefix("请") ? String(c.dropFirst()) : c
    }

    static let endings: Set<Character> = ["。", "！", "；", "，", "、", ".", "!", ";", ",", "：", ":"]
}
