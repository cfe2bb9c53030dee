//! Alert pages: a charity member's subscriptions (`/charity/alerts`, where the library's
//! "alert me on this search" lands with the search filled in), anyone's notifications
//! (`/notifications`), and the page an e-mail's unsubscribe link opens. Every form posts
//! normally; the actions are in `alerts_post.rs`.

#[cfg(feature = "ssr")]
pub mod post;

use crate::alerts::{
    my_alerts, my_email_choices, my_notifications, unsubscribe_link, Frequency, SubscriptionKind,
    UnsubscribeWhat,
};
use crate::components::form::{use_form_reply, ErrorSummary};
use crate::components::lang::use_lang;
use crate::components::session::set_status;
use crate::domain::need::{AssistanceType, Coverage, HouseholdCategory};
use crate::i18n::Lang;
use crate::pages::office::denied;
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The regions a subscription can name: provinces and cities, and `chosen` (a county
/// from a library search) when it is not among them.
#[server]
pub async fn alert_regions(
    chosen: String,
) -> Result<Vec<(String, String)>, crate::error::AppError> {
    let state = crate::state::AppState::current()?;
    let mut regions = state.regions.provinces_and_cities();
    if !chosen.is_empty() && !regions.iter().any(|(c, _)| *c == chosen) {
        if state.regions.name(&chosen).is_some() {
            regions.push((chosen.clone(), state.regions.display(&chosen)));
        }
    }
    Ok(regions)
}

fn local_time(t: chrono::DateTime<chrono::Utc>) -> String {
    crate::domain::calendar::minute_text(t)
}

/// A `<select>` of codes with a "(any)" first option, reading the typed value.
fn select(
    name: &'static str,
    label: &'static str,
    options: Vec<(String, String)>,
    chosen: String,
    lang: Lang,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error = use_form_reply().error(name).map(|p| p.message(lang));
    let described = error.is_some().then(|| format!("{id}-error"));
    view! {
        <div class="field" class:field-invalid=error.is_some()>
            <label for=id.clone()>{label}</label>
            {error.map(|e| view! { <p class="field-error" id=format!("{id}-error")>{e}</p> })}
            <select id=id name=name aria-invalid=described.is_some().then_some("true") aria-describedby=described>
                <option value="">{lang.pick("（不限）", "(any)")}</option>
                {options.into_iter().map(|(code, text)| {
                    let selected = code == chosen;
                    view! { <option value=code selected=selected>{text}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

fn text_input(
    name: &'static str,
    label: &'static str,
    value: String,
    hint: Option<&'static str>,
    kind: &'static str,
    lang: Lang,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error = use_form_reply().error(name).map(|p| p.message(lang));
    let described = match (error.is_some(), hint.is_some()) {
        (true, true) => Some(format!("{id}-error {id}-hint")),
        (true, false) => Some(format!("{id}-error")),
        (false, true) => Some(format!("{id}-hint")),
        (false, false) => None,
    };
    view! {
        <div class="field" class:field-invalid=error.is_some()>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="field-hint" id=format!("{id}-hint")>{h}</p> })}
            {error.map(|e| view! { <p class="field-error" id=format!("{id}-error")>{e}</p> })}
            <input id=id name=name type=kind value=value aria-invalid=described.as_ref().filter(|d| d.contains("error")).map(|_| "true") aria-describedby=described/>
        </div>
    }
}

fn codes<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T, Lang) -> &'static str,
    lang: Lang,
) -> Vec<(String, String)> {
    all.iter()
        .map(|t| (code(*t).to_owned(), label(*t, lang).to_owned()))
        .collect()
}

/// `/charity/alerts`: the member's subscriptions and the form to add one.
#[component]
pub fn AlertsPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let data = Resource::new(|| (), |_| my_alerts());
    let reply = use_form_reply();
    // A refused post shows what was typed; the library's link fills in its search.
    let typed = |name: &str| {
        if reply.is_posted() {
            reply.value(name)
        } else {
            query.read_untracked().get(name).unwrap_or_default()
        }
    };
    let (q, region, kind_typed, label) =
        (typed("q"), typed("region"), typed("kind"), typed("label"));
    let (t, category, coverage) = (typed("type"), typed("category"), typed("coverage"));
    let (frequency, email) = (typed("frequency"), typed("email"));
    let in_app = !reply.is_posted() || !reply.value("in_app").is_empty();
    let by_email = reply.is_posted() && !reply.value("by_email").is_empty();
    let regions = Resource::new(move || region.clone(), alert_regions);
    let region_chosen = typed("region");
    let done = query.read_untracked().get("done");
    view! {
        <Title text=lang.pick("提醒订阅 · 善桥", "Alerts · Shanqiao")/>
        <section class="form-page">
            <nav class="breadcrumb" aria-label=lang.pick("当前位置", "Breadcrumb")>
                <a href=routes::CHARITY.url()>{lang.pick("机构工作台", "Charity portal")}</a>" / "
                <span aria-current="page">{lang.pick("提醒订阅", "Alerts")}</span>
            </nav>
            <h1>{lang.pick("提醒订阅", "Alerts")}</h1>
            <p class="muted">{lang.pick(
                "订阅需求信息库的搜索，或订阅符合本机构供给档案的需求：有新需求发布、或被放弃的需求重新开放时，善桥会通过站内通知或电子邮件告诉您（即时，或每日早 8 点汇总）。",
                "Subscribe to a library search, or to the needs that fit your supply profile: when a new need is published, or a released one returns to the library, Shanqiao tells you in-app or by e-mail (at once, or in a digest at 08:00 each day).",
            )}</p>
            {done.map(|d| {
                let text = match d.as_str() {
                    "created" => lang.pick("订阅已保存。", "Subscription saved."),
                    "deleted" => lang.pick("订阅已删除。", "Subscription deleted."),
                    _ => lang.pick("订阅已更新。", "Subscription updated."),
                };
                view! { <p class="notice" role="status" data-testid="done">{text}</p> }
            })}
            <Suspense fallback=|| ()>
                {move || {
                    let (q, kind_typed, label, t, category, coverage, frequency, email, region_chosen) = (
                        q.clone(), kind_typed.clone(), label.clone(), t.clone(), category.clone(),
                        coverage.clone(), frequency.clone(), email.clone(), region_chosen.clone(),
                    );
                    Suspend::new(async move {
                    let page = match data.await {
                        Ok(p) => p,
                        Err(e) => return denied(e, routes::CHARITY_ALERTS.url(), lang),
                    };
                    let region_options = regions.await.unwrap_or_default();
                    let profile_kind = kind_typed == SubscriptionKind::Profile.code();
                    let email_hint = match &page.account_email {
                        Some(_) => lang.pick("不填则发到您的账号邮箱。", "Empty: your account's address."),
                        None => lang.pick("您的账号没有邮箱；要用邮件提醒请填写。", "Your account has no e-mail address; give one to be told by e-mail."),
                    };
                    view! {
                        <h2>{lang.pick("我的订阅", "My subscriptions")}</h2>
                        {if page.subscriptions.is_empty() {
                            view! { <p class="muted" data-testid="no-subscriptions">{lang.pick("还没有订阅。", "No subscriptions yet.")}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="subscriptions">
                                    {page.subscriptions.into_iter().map(|s| {
                                        let edit = routes::EDIT_ALERT.to([&s.id]);
                                        let delete = routes::DELETE_ALERT.to([&s.id]);
                                        let channels = match (s.in_app, s.by_email) {
                                            (true, true) => format!("{} + {} {}", lang.pick("站内", "in-app"), lang.pick("邮件", "e-mail"), s.email),
                                            (false, true) => format!("{} {}", lang.pick("邮件", "e-mail"), s.email),
                                            _ => lang.pick("站内", "in-app").to_owned(),
                                        };
                                        let freq_id = format!("frequency-{}", s.id);
                                        view! {
                                            <li class="subscription" data-testid="subscription">
                                                <h3><a href=s.link.clone()>{s.label.clone()}</a></h3>
                                                <p class="muted">{s.kind.label(lang)}" · "{s.frequency.label(lang)}" · "{channels}</p>
                                                <form method="post" action=edit class="inline-form">
                                                    <label for=freq_id.clone()>{lang.pick("频率", "How often")}</label>
                                                    <select id=freq_id name="frequency">
                                                        {Frequency::ALL.iter().map(|f| view! {
                                                            <option value=f.code() selected=*f == s.frequency>{f.label(lang)}</option>
                                                        }).collect_view()}
                                                    </select>
                                                    <label class="check"><input type="checkbox" name="in_app" checked=s.in_app/>" "{lang.pick("站内通知", "In-app")}</label>
                                                    <label class="check"><input type="checkbox" name="by_email" checked=s.by_email/>" "{lang.pick("电子邮件", "E-mail")}</label>
                                                    <button type="submit" class="button button-secondary">{lang.pick("保存", "Save")}<span class="visually-hidden">" "{s.label.clone()}</span></button>
                                                </form>
                                                <form method="post" action=delete class="inline-form">
                                                    <button type="submit" class="button button-secondary">{lang.pick("删除", "Delete")}<span class="visually-hidden">" "{s.label.clone()}</span></button>
                                                </form>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                        <h2 id="new-alert">{lang.pick("新建订阅", "New subscription")}</h2>
                        <ErrorSummary/>
                        <form method="post" action=routes::CHARITY_ALERTS.url() class="stack" novalidate>
                            <fieldset class="field" id="field-kind">
                                <legend>{lang.pick("订阅什么", "What to follow")}</legend>
                                <label class="check"><input type="radio" name="kind" value="search" checked=!profile_kind/>" "{lang.pick("需求信息库的一个搜索（下列条件）", "A library search (the filters below)")}</label>
                                <label class="check">
                                    <input type="radio" name="kind" value="profile" checked=profile_kind disabled=!page.has_profile/>" "
                                    {SubscriptionKind::Profile.label(lang)}
                                </label>
                                {(!page.has_profile).then(|| view! {
                                    <p class="field-hint">{lang.pick("本机构还没有供给档案，", "Your charity has no supply profile yet: ")}<a href=routes::CHARITY_PROFILE.url()>{lang.pick("先填写供给档案", "fill it in first")}</a></p>
                                })}
                            </fieldset>
                            {text_input("q", lang.pick("关键词", "Words"), q, Some(lang.pick("例如：轮椅、助学、低保边缘", "e.g. wheelchair, school, 低保边缘")), "search", lang)}
                            {select("region", lang.pick("地区", "Region"), region_options, region_chosen, lang)}
                            {select("type", lang.pick("帮扶类型", "Assistance type"), codes(AssistanceType::ALL, AssistanceType::code, AssistanceType::label, lang), t, lang)}
                            {select("category", lang.pick("家庭类别", "Household category"), codes(HouseholdCategory::ALL, HouseholdCategory::code, HouseholdCategory::label, lang), category, lang)}
                            {select("coverage", lang.pick("救助情况", "Coverage"), codes(Coverage::ALL, Coverage::code, Coverage::label, lang), coverage, lang)}
                            {text_input("label", lang.pick("名称（可不填）", "Name (optional)"), label, Some(lang.pick("不填则按条件自动命名。", "Empty: named after the filters.")), "text", lang)}
                            <fieldset class="field" id="field-frequency">
                                <legend>{lang.pick("多久提醒一次", "How often")}</legend>
                                {Frequency::ALL.iter().map(|f| {
                                    let checked = if frequency.is_empty() { *f == Frequency::Immediate } else { f.code() == frequency };
                                    view! { <label class="check"><input type="radio" name="frequency" value=f.code() checked=checked/>" "{f.label(lang)}</label> }
                                }).collect_view()}
                            </fieldset>
                            <fieldset class="field" id="field-in_app">
                                <legend>{lang.pick("提醒方式", "How to tell you")}</legend>
                                {use_form_reply().error("in_app").map(|p| view! { <p class="field-error">{p.message(lang)}</p> })}
                                <label class="check"><input type="checkbox" name="in_app" checked=in_app/>" "{lang.pick("站内通知（右上角铃铛）", "In-app (the bell at the top)")}</label>
                                <label class="check"><input type="checkbox" name="by_email" checked=by_email/>" "{lang.pick("电子邮件", "E-mail")}</label>
                            </fieldset>
                            {text_input("email", lang.pick("接收邮件的地址（可不填）", "Send e-mails to (optional)"), email, Some(email_hint), "email", lang)}
                            <button type="submit" class="button" data-testid="save-subscription">{lang.pick("保存订阅", "Save the subscription")}</button>
                        </form>
                    }.into_any()
                })}}
            </Suspense>
        </section>
    }
}

/// `/notifications`: the signed-in person's notifications, newest first.
#[component]
pub fn NotificationsPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let page_no: u64 = query
        .read_untracked()
        .get("page")
        .and_then(|p| p.parse().ok())
        .filter(|p| *p >= 1 && *p <= 1000)
        .unwrap_or(1);
    let data = Resource::new(move || page_no, my_notifications);
    view! {
        <Title text=lang.pick("通知 · 善桥", "Notifications · Shanqiao")/>
        <section class="form-page">
            <h1>{lang.pick("通知", "Notifications")}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let page = match data.await {
                        Ok(p) => p,
                        Err(e) => return denied(e, routes::NOTIFICATIONS.url(), lang),
                    };
                    let unread_line = match lang {
                        Lang::Zh => format!("{} 条未读", page.unread),
                        Lang::En => format!("{} unread", page.unread),
                    };
                    view! {
                        <p class="muted" data-testid="unread-line">{unread_line}" · "
                            <a href=routes::CHARITY_ALERTS.url()>{lang.pick("管理提醒订阅", "Manage alerts")}</a>" · "
                            <a href=format!("{}#emails", routes::ACCOUNT.url())>{lang.pick("邮件设置", "E-mail settings")}</a>
                        </p>
                        {(page.unread > 0).then(|| view! {
                            <form method="post" action=routes::READ_ALL_NOTIFICATIONS.url()>
                                <button type="submit" class="button button-secondary" data-testid="read-all">{lang.pick("全部标为已读", "Mark all read")}</button>
                            </form>
                        })}
                        {if page.notices.is_empty() {
                            view! { <p class="muted" data-testid="no-notifications">{lang.pick("还没有通知。", "No notifications yet.")}</p> }.into_any()
                        } else {
                            view! {
                                <ol class="notices">
                                    {page.notices.into_iter().map(|n| {
                                        let headline = n.kind.headline(&n.subject, &n.detail, lang);
                                        let open = routes::OPEN_NOTIFICATION.to([&n.id]);
                                        let read = routes::READ_NOTIFICATION.to([&n.id]);
                                        view! {
                                            <li class="notice-item" class:notice-unread=!n.read data-testid="notification-item">
                                                <p class="notice-meta muted">
                                                    {(!n.read).then(|| view! { <strong class="badge">{lang.pick("未读", "Unread")}</strong>" " })}
                                                    <time datetime=n.created_at.to_rfc3339()>{local_time(n.created_at)}</time>
                                                </p>
                                                <form method="post" action=open class="inline-form">
                                                    <button type="submit" class="link-button" data-testid="notification">{headline.clone()}</button>
                                                </form>
                                                {(!n.read).then(|| view! {
                                                    <form method="post" action=read class="inline-form">
                                                        <button type="submit" class="button button-secondary button-small">{lang.pick("标为已读", "Mark read")}<span class="visually-hidden">": "{headline.clone()}</span></button>
                                                    </form>
                                                })}
                                            </li>
                                        }
                                    }).collect_view()}
                                </ol>
                            }.into_any()
                        }}
                        <nav class="pager" aria-label=lang.pick("翻页", "Pages")>
                            {(page.page > 1).then(|| view! { <a href=format!("{}?page={}", routes::NOTIFICATIONS.url(), page.page - 1)>{lang.pick("← 较新", "← Newer")}</a> })}" "
                            {page.has_more.then(|| view! { <a href=format!("{}?page={}", routes::NOTIFICATIONS.url(), page.page + 1)>{lang.pick("较早 →", "Older →")}</a> })}
                        </nav>
                    }.into_any()
                })}
            </Suspense>
        </section>
    }
}

/// `/unsubscribe/{token}`: says what the link stops and asks to confirm (a mail
/// program's prefetch must not unsubscribe anyone); works without signing in.
#[component]
pub fn UnsubscribePage() -> impl IntoView {
    let lang = use_lang();
    let token = use_params_map()
        .read_untracked()
        .get("token")
        .unwrap_or_default();
    let done = use_query_map().read_untracked().get("done").is_some();
    let what = Resource::new(move || token.clone(), unsubscribe_link);
    let action = routes::UNSUBSCRIBE.to([&use_params_map()
        .read_untracked()
        .get("token")
        .unwrap_or_default()]);
    view! {
        <Title text=lang.pick("退订 · 善桥", "Unsubscribe · Shanqiao")/>
        <section class="form-page">
            <h1>{lang.pick("退订邮件提醒", "Unsubscribe")}</h1>
            {if done {
                view! { <p class="notice" role="status" data-testid="unsubscribed">{lang.pick("已退订：您不会再收到这类邮件。", "Done: you will not get these e-mails any more.")}</p> }.into_any()
            } else {
                view! {
                    <ErrorSummary/>
                    <Suspense fallback=|| ()>
                        {move || {
                            let action = action.clone();
                            Suspend::new(async move {
                            let stops = match what.await {
                                Ok(UnsubscribeWhat::Subscription(label)) => match lang {
                                    Lang::Zh => format!("订阅「{label}」的邮件"),
                                    Lang::En => format!("the e-mails of your subscription “{label}”"),
                                },
                                Ok(UnsubscribeWhat::Kind(kind)) => match lang {
                                    Lang::Zh => format!("“{}”的邮件", kind.label(lang)),
                                    Lang::En => format!("e-mails about “{}”", kind.label(lang)),
                                },
                                Ok(UnsubscribeWhat::Unusable) => {
                                    set_status(410);
                                    return view! {
                                        <p class="error" role="alert" data-testid="refusal">{crate::alerts::problems::UNSUBSCRIBE_USED.message(lang)}</p>
                                    }.into_any();
                                }
                                Err(e) => return denied(e, routes::HOME.url(), lang),
                            };
                            view! {
                                <p>{lang.pick("确认后将停止：", "Confirming stops ")}<strong>{stops}</strong>{lang.pick("。站内通知不受影响。", ". In-app notifications are not affected.")}</p>
                                <form method="post" action=action>
                                    <input type="hidden" name="confirm" value="1"/>
                                    <button type="submit" class="button" data-testid="confirm-unsubscribe">{lang.pick("确认退订", "Unsubscribe")}</button>
                                </form>
                            }.into_any()
                        })}}
                    </Suspense>
                }.into_any()
            }}
        </section>
    }
}

/// `/account`'s section: which notifications come by e-mail.
#[component]
pub fn EmailChoicesSection() -> impl IntoView {
    let lang = use_lang();
    let choices = Resource::new(|| (), |_| my_email_choices());
    let saved = use_query_map().read_untracked().get("emails").is_some();
    view! {
        <h2 id="emails">{lang.pick("邮件提醒", "E-mail notifications")}</h2>
        {saved.then(|| view! { <p class="notice" role="status">{lang.pick("邮件设置已保存。", "E-mail settings saved.")}</p> })}
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let Ok(c) = choices.await else {
                    return view! { <p class="muted">{lang.pick("暂时无法加载。", "Cannot load them right now.")}</p> }.into_any();
                };
                let address = match &c.address {
                    Some(a) => format!("{}{a}", lang.pick("发送到：", "Sent to: ")),
                    None => lang.pick("您的账号用手机号登录，没有邮箱：这些提醒只在站内显示。", "Your account signs in by phone and has no e-mail address: these are shown in-app only.").to_owned(),
                };
                view! {
                    <p class="muted">{lang.pick("站内通知总会显示；勾选的也会发邮件。订阅的邮件在“提醒订阅”中设置。", "Notifications always show in-app; the ticked ones also come by e-mail. Subscriptions set their own e-mails in Alerts.")}</p>
                    <p class="muted">{address}</p>
                    <form method="post" action=routes::EMAIL_CHOICES.url() class="stack">
                        <fieldset class="field checks">
                            <legend>{lang.pick("通过邮件接收", "Get by e-mail")}</legend>
                            {c.kinds.into_iter().map(|(kind, on)| {
                                let name = format!("kind_{}", kind.code());
                                view! { <label class="check"><input type="checkbox" name=name checked=on/>" "{kind.label(lang)}</label> }
                            }).collect_view()}
                        </fieldset>
                        <button type="submit" class="button button-secondary">{lang.pick("保存邮件设置", "Save e-mail settings")}</button>
                    </form>
                }.into_any()
            })}
        </Suspense>
    }
}

/// The bell's text for screen readers and its visible count.
pub fn bell_label(unread: u64, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("通知（{unread} 条未读）"),
        Lang::En => format!("Notifications ({unread} unread)"),
    }
}
