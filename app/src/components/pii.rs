//! Showing the PII guard's findings: the text with each finding marked in place, and
//! the list of findings with what they are and whether they block.

use super::lang::use_lang;
use crate::i18n::Lang;
use crate::needs::screening::{segments, FieldFinding, FindingKind, Severity};
use leptos::prelude::*;

pub fn kind_label(kind: FindingKind, lang: Lang) -> &'static str {
    lang.pick(kind.label_zh(), kind.label_en())
}

/// A field's name as the editor labels it.
pub fn field_label(field: &str, lang: Lang) -> String {
    let item = |part: &str, zh: &str, en: &str| {
        field
            .strip_prefix(part)
            .and_then(|n| n.parse::<usize>().ok())
            .map(|n| {
                lang.pick(
                    format!("物品 {} {zh}", n + 1),
                    format!("Item {} {en}", n + 1),
                )
            })
    };
    match field {
        "title" => lang.pick("标题", "Title").to_owned(),
        "story" => lang.pick("情况说明", "Story").to_owned(),
        "assistance_received" => lang.pick("已享受救助", "Assistance received").to_owned(),
        _ => item("item_name_", "名称", "name")
            .or_else(|| item("item_unit_", "单位", "unit"))
            .unwrap_or_else(|| field.to_owned()),
    }
}

/// `text` with the findings of `field` marked; each mark says what it is to screen
/// readers too.
#[component]
pub fn Highlighted(text: String, field: String, findings: Vec<FieldFinding>) -> impl IntoView {
    let lang = use_lang();
    let pieces = segments(&text, &field, &findings);
    view! {
        <p class="highlighted" data-field=field.clone()>
            {pieces
                .into_iter()
                .map(|seg| match seg.finding.and_then(|i| findings.get(i).map(|f| (i, f.clone()))) {
                    Some((i, f)) => {
                        let blocking = f.blocks();
                        let label = kind_label(f.finding.kind, lang);
                        view! {
                            <mark
                                class="pii"
                                class:pii-blocking=blocking
                                id=format!("finding-{i}")
                                data-kind=f.finding.kind.code()
                            >
                                <span class="visually-hidden">{format!("[{label}] ")}</span>
                                {seg.text}
                            </mark>
                        }
                        .into_any()
                    }
                    None => seg.text.into_any(),
                })
                .collect_view()}
        </p>
    }
}

/// The list of findings, blocking ones first.
#[component]
pub fn FindingList(findings: Vec<FieldFinding>) -> impl IntoView {
    let lang = use_lang();
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by_key(|i| !findings[*i].blocks());
    view! {
        <ul class="findings" data-testid="pii-findings">
            {order
                .into_iter()
                .map(|i| {
                    let f = findings[i].clone();
                    let blocks = f.blocks();
                    let reason = f.overridden.clone();
                    let severity = match (f.blocks(), f.finding.severity, &f.overridden) {
                        (true, _, _) => lang.pick("必须删除", "Must be removed"),
                        (false, _, Some(_)) => lang.pick("审核人已放行", "Overridden by a reviewer"),
                        (false, Severity::Warning, _) => lang.pick("请注意", "Warning"),
                        (false, _, None) => lang.pick("请注意", "Warning"),
                    };
                    view! {
                        <li class:finding-blocking=blocks>
                            <a href=format!("#finding-{i}")>
                                <strong>{kind_label(f.finding.kind, lang)}</strong>
                            </a>
                            {format!(
                                " · {} · {} · “{}”",
                                field_label(&f.field, lang),
                                severity,
                                f.finding.text
                            )}
                            {reason.map(|r| view! {
                                <span class="muted">{format!(" — {}{r}", lang.pick("放行理由：", "Reason: "))}</span>
                            })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
