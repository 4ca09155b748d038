import Foundation
import LuoshiCore
import Plot

extension ChannelsPage {
    struct View: PageView {
        var model: Model

        func title(_ c: PageContext) -> String { c.t("通知渠道", "Notification channels") }

        func content(_ c: PageContext) -> any Component {
            Paragraph {
                Words(
                    c.t(
                        "每条消息除进入站内消息外，还推送到收件单位和收件人的渠道：通用 Webhook（请求头 X-Luoshi-Signature 为 HMAC-SHA256 签名）、企业微信群机器人、钉钉群机器人（加签）、电子邮件。失败自动重试，每次尝试都有记录。",
                        "Besides the inbox, each message goes to the channels of its units and people: a generic webhook signed with HMAC-SHA256, the WeCom and DingTalk group robots, e-mail. Failures are retried; every attempt is logged."
                    ))
            }
            ListTable([
                c.t("名称", "Name"), c.t("类型", "Kind"), c.t("地址", "Address"), c.t("所属", "For"),
                c.t("状态", "State"), "",
            ]) { for ch in model.channels { channel(ch, c) } }
            H2 { Words(c.t("新增渠道", "Add a channel")) }
            PostForm(.channels, c, class: "stack") {
                FieldLabel(c.t("名称", "Name"), for: "name")
                TextInput("name", id: "name", required: true, maxLength: 100)
                FieldLabel(c.t("类型", "Kind"), for: "kind")
                Element("select") {
                    Options(ChannelKind.allCases, value: { $0.rawValue }, label: { c.name($0) })
                }.attr("id", "kind").attr("name", "kind")
                FieldLabel(c.t("地址（URL 或邮箱）", "Address (URL or e-mail)"), for: "target")
                TextInput("target", id: "target", required: true, maxLength: 1000)
                FieldLabel(c.t("签名密钥（可选）", "Signing secret (optional)"), for: "secret")
                TextInput("secret", id: "secret", maxLength: 200)
                FieldLabel(c.t("单位", "Unit"), for: "organization")
                Element("select") {
                    UnitOptions(model.units, selected: nil, c)
                }.attr("id", "organization").attr("name", "organization").zh()
                Paragraph { Submit(c.t("新增", "Add")) }
            }
            H2 { Words(c.t("最近推送", "Recent deliveries")) }
            ListTable([
                c.t("时间", "When"), c.t("渠道", "Channel"), c.t("消息", "Message"), c.t("状态", "State"),
                c.t("尝试", "Attempts"), c.t("最后错误", "Last error"),
            ]) {
                for d in model.deliveries {
                    TR {
                        TD(Format.date(d.createdAt, c.lang))
                        TD(d.channel).zh()
                        TD(String(d.title.prefix(40))).zh()
                        TD(c.name(d.state))
                        TD("\(d.attempts)", class: "num")
                        TD(d.lastError.map { String($0.prefix(80)) } ?? "").zh()
                    }
                }
            }
        }

        func channel(_ ch: Channel, _ c: PageContext) -> any Component {
            TR {
                TD(ch.name).zh()
                TD(c.name(ch.kind))
                TD { Element("code", text: ch.maskedTarget) }
                TD(ch.owner).zh()
                TD(ch.active ? c.t("启用", "on") : c.t("停用", "off"))
                TD {
                    PostForm(.toggleChannel(ch.id), c, class: "inline") {
                        LinkButton(ch.active ? c.t("停用", "Disable") : c.t("启用", "Enable"))
                    }
                }
            }
        }
    }
}
