//! The e-mails alerts send, in the recipient's language: plain text and HTML with the
//! same content, a link to what it is about, a link to manage alerts and an unsubscribe
//! link. They carry a need's public copy only (title, county, type, urgency, goal).

use crate::domain::need::{AssistanceType, Urgency};
use crate::domain::Fen;
use crate::escape::html as escape;
use crate::i18n::Lang;
use crate::messages::{Channel, Outgoing};

/// A need as an e-mail lists it: its public copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailNeed {
    pub code: String,
    pub title: String,
    /// The county's name.
    pub place: String,
    pub assistance_type: AssistanceType,
    pub urgency: Urgency,
    pub goal: Fen,
}

/// One alert e-mail.
pub struct Letter<'a> {
    pub lang: Lang,
    /// The site's public URL, without a trailing slash.
    pub base_url: &'a str,
    /// What happened, as one line (the subject after `善桥：`).
    pub headline: String,
    /// Why this person gets it (their subscription, their region, their claim).
    pub because: String,
    pub needs: &'a [MailNeed],
    /// More needs than listed (a digest's tail), if any.
    pub more: usize,
    /// The path of what it is about (a need, a claim, a search).
    pub link: &'a str,
    /// The path where alerts are managed.
    pub manage: &'a str,
    /// The unsubscribe token.
    pub unsubscribe_token: &'a str,
}

impl Letter<'_> {
    /// The e-mail to `recipient`.
    pub fn to(&self, recipient: &str) -> Outgoing {
        let lang = self.lang;
        let url = |path: &str| format!("{}{path}", self.base_url);
        let unsubscribe = url(&format!("/unsubscribe/{}", self.unsubscribe_token));
        let subject = format!("{}{}", lang.pick("善桥：", "Shanqiao: "), self.headline);
        let line = |n: &MailNeed| {
            format!(
                "{} · {} · {} · {}",
                n.place,
                n.assistance_type.label(lang),
                n.urgency.label(lang),
                n.goal
            )
        };
        let mut text = format!("{}\n\n", self.headline);
        let mut html = format!(
            "<!DOCTYPE html><html lang=\"{}\"><body style=\"font-family:sans-serif;line-height:1.5\"><p>{}</p><ul>",
            lang.tag(),
            escape(&self.headline)
        );
        for n in self.needs {
            let link = url(&format!("/needs/{}", n.code));
            text.push_str(&format!("• {}\n  {}\n  {link}\n", n.title, line(n)));
            html.push_str(&format!(
                "<li><a href=\"{}\">{}</a><br>{}</li>",
                escape(&link),
                escape(&n.title),
                escape(&line(n))
            ));
        }
        html.push_str("</ul>");
        if self.more > 0 {
            let more = match lang {
                Lang::Zh => format!("还有 {} 条，请打开下面的链接查看。", self.more),
                Lang::En => format!("And {} more: open the link below.", self.more),
            };
            text.push_str(&format!("\n{more}\n"));
            html.push_str(&format!("<p>{}</p>", escape(&more)));
        }
        let open = lang.pick("打开：", "Open: ");
        text.push_str(&format!("\n{open}{}\n", url(self.link)));
        html.push_str(&format!(
            "<p><a href=\"{}\">{}</a></p>",
            escape(&url(self.link)),
            lang.pick("在善桥打开", "Open in Shanqiao")
        ));
        let (manage, stop) = (
            lang.pick("管理提醒：", "Manage your alerts: "),
            lang.pick("不再接收此类邮件：", "Stop these e-mails: "),
        );
        text.push_str(&format!(
            "\n—— \n{}\n{manage}{}\n{stop}{unsubscribe}\n",
            self.because,
            url(self.manage)
        ));
        html.push_str(&format!(
            "<hr><p style=\"color:#555;font-size:90%\">{}<br><a href=\"{}\">{}</a> · <a href=\"{}\">{}</a></p></body></html>",
            escape(&self.because),
            escape(&url(self.manage)),
            lang.pick("管理提醒", "Manage your alerts"),
            escape(&unsubscribe),
            lang.pick("退订", "Unsubscribe"),
        ));
        Outgoing {
            channel: Channel::Email,
            recipient: recipient.to_owned(),
            subject,
            body: text,
            html: Some(html),
            unsubscribe_url: Some(unsubscribe),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_letter_has_both_parts_the_links_and_nothing_unescaped() {
        let needs = [MailNeed {
            code: "N-ABC".into(),
            title: "电动轮椅 <助行>".into(),
            place: "农安县".into(),
            assistance_type: AssistanceType::Medical,
            urgency: Urgency::High,
            goal: Fen(680_000),
        }];
        let letter = Letter {
            lang: Lang::Zh,
            base_url: "https://shanqiao.example",
            headline: "符合订阅「轮椅」的新需求：电动轮椅".into(),
            because: "您订阅了「轮椅」。".into(),
            needs: &needs,
            more: 0,
            link: "/needs/N-ABC",
            manage: "/charity/alerts",
            unsubscribe_token: "tok",
        };
        let mail = letter.to("a@example.org");
        assert!(mail.subject.starts_with("善桥："));
        assert!(mail.body.contains("https://shanqiao.example/needs/N-ABC"));
        assert!(mail
            .body
            .contains("https://shanqiao.example/unsubscribe/tok"));
        let html = mail.html.expect("html");
        assert!(html.contains("电动轮椅 &lt;助行&gt;"), "{html}");
        assert!(!html.contains("<助行>"));
        assert_eq!(
            mail.unsubscribe_url.as_deref(),
            Some("https://shanqiao.example/unsubscribe/tok")
        );
    }
}
