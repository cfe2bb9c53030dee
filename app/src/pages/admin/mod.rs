//! The platform admin's pages: the verification queue of charities and the verified
//! charities (suspend or restore a verification), account tools and offices. The forms
//! post to the actions in `post.rs`.

#[cfg(feature = "ssr")]
pub mod post;

use crate::components::form::{use_form_reply, ErrorSummary, RefusalPage};
use crate::components::lang::use_lang;
use crate::components::portal::InvitationSent;
use crate::components::session::{redirect_to_sign_in, set_status};
use crate::error::AppError;
use crate::organizations::{
    pending_charities, verified_charities, PendingCharity, VerifiedCharity,
};
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AdminCharitiesPage() -> impl IntoView {
    let lang = use_lang();
    // Both loads start above the Suspense that reads them (see the need page).
    let pending = Resource::new(|| (), |_| pending_charities());
    let verified = Resource::new(|| (), |_| verified_charities());
    let payee_changes = Resource::new(|| (), |_| crate::money::payee_changes_waiting());
    let (decided, suspended, restored, payee_confirmed) = {
        let query = use_query_map().read_untracked();
        let has = |key: &str| query.get(key).is_some();
        (
            has("decided"),
            has("suspended"),
            has("restored"),
            has("payee_confirmed"),
        )
    };
    let done = if decided {
        Some(lang.pick("已记录审核结果。", "Decision recorded."))
    } else if suspended {
        Some(lang.pick(
            "已暂停该机构的认证：它不能再认领需求或接受新的认捐。",
            "Verification suspended: the charity can no longer claim needs or take new pledges.",
        ))
    } else if restored {
        Some(lang.pick("已恢复该机构的认证。", "Verification restored."))
    } else if payee_confirmed {
        Some(lang.pick(
            "已确认新的收款账户：新的认捐按此账户转账，已有认捐不变。",
            "New account confirmed: new pledges pay to it; existing pledges keep theirs.",
        ))
    } else {
        None
    };
    view! {
            <Title text=lang.pick("慈善组织审核 · 善桥", "Charity verification · Shanqiao")/>
            <h1>{lang.pick("慈善组织审核", "Charity verification")}</h1>
            {done.map(|text| view! { <p class="notice" role="status" data-testid="admin-done">{text}</p> })}
            <ErrorSummary/>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let (pending, verified, payee_changes) =
                        (pending.await, verified.await, payee_changes.await);
                    match pending {
                        Ok(list) => view! {
                            <h2>{lang.pick("待审核", "Waiting for verification")}</h2>
                            {if list.is_empty() {
                                view! {
                                    <p>{lang.pick("没有待审核的机构。", "No charity is waiting for verification.")}</p>
                                }
                                .into_any()
                            } else {
                                view! {
                                    <ul class="queue" data-testid="verification-queue">
                                        {list.into_iter().map(|c| view! { <PendingItem charity=c/> }).collect_view()}
                                    </ul>
                                }
                                .into_any()
                            }}
                            {payee_changes.ok().filter(|l| !l.is_empty()).map(|list| view! { <PayeeChanges list/> })}
                            <h2>{lang.pick("已认证的机构", "Verified charities")}</h2>
                            <p class="muted">{lang.pick(
                                "发现违规或登记信息失效时，可暂停机构的认证：暂停期间它不能认领需求、募集善款或接受新的认捐，公开页面会显示认证已暂停。原因只告知该机构，不公开。",
                                "If a charity breaks the rules or its registration lapses, suspend its verification: while suspended it cannot claim needs, raise money or take new pledges, and its public pages say so. The reason is shown to the charity only, never publicly.",
                            )}</p>
                            {match verified {
                                Ok(list) if list.is_empty() => view! {
                                    <p>{lang.pick("还没有认证的机构。", "No charity is verified yet.")}</p>
                                }
                                .into_any(),
                                Ok(list) => view! {
                                    <ul class="queue" data-testid="verified-charities">
                                        {list.into_iter().map(|c| view! { <VerifiedItem charity=c/> }).collect_view()}
                                    </ul>
                                }
                                .into_any(),
                                Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                            }}
                        }
                        .into_any(),
                        Err(AppError::Unauthorized) => {
                            redirect_to_sign_in("/admin/charities");
                            view! { <p>{lang.pick("请先登录。", "Please sign in first.")}</p> }.into_any()
                        }
                        Err(e) => {
                            if e == AppError::Forbidden {
        set_status(403);
    }
                            view! { <RefusalPage error=e/> }.into_any()
                        }
                    }
                })}
            </Suspense>
        }
}

/// Account changes of charities with one admin, which a platform admin checks (with the
/// charity, by a known channel) and confirms.
#[component]
fn PayeeChanges(list: Vec<crate::money::PayeeChangeWaiting>) -> impl IntoView {
    let lang = use_lang();
    let line = |p: &crate::money::payment::Payee| {
        format!(
            "{} · {} · {}",
            p.account_name.clone().unwrap_or_else(|| "—".into()),
            p.bank.clone().unwrap_or_else(|| "—".into()),
            p.account.clone().unwrap_or_else(|| "—".into())
        )
    };
    view! {
        <h2 id="payee-changes">{lang.pick("待确认的收款账户变更", "Bank account changes to confirm")}</h2>
        <p class="muted">{lang.pick(
            "这些机构只有一位管理员，账户变更须由平台确认。请先通过已知的联系方式与机构核实，再确认。",
            "These charities have one admin, so the platform confirms their account changes. Check with the charity through a channel you already know before confirming.",
        )}</p>
        <ul class="queue" data-testid="payee-changes">
            {list.into_iter().map(|c| {
                let proposed = c.status.proposed.clone();
                view! {
                    <li>
                        <h3>{c.charity.clone()}</h3>
                        <p>{lang.pick("现账户：", "Current: ")}{line(&c.status.current)}</p>
                        {proposed.clone().map(|p| view! {
                            <p>{lang.pick("新账户：", "Proposed: ")}<strong>{line(&p.payee)}</strong>
                                {format!(" · {} {}", lang.pick("提出人", "by"), p.by)}</p>
                        })}
                        <form method="post" action=routes::ADMIN_CONFIRM_PAYEE.to([&c.charity_id])>
                            <input type="hidden" name="seen_account" value=proposed.and_then(|p| p.payee.account).unwrap_or_default()/>
                            <button type="submit" class="button">{lang.pick("确认新账户", "Confirm the new account")}<span class="visually-hidden">" "{c.charity.clone()}</span></button>
                        </form>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// Which charity's suspend or restore form was posted and refused: that form shows what
/// was typed and the reason field's error (the other forms on the page stay empty).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SuspensionForm(pub i64);

/// A verified charity with the form that suspends its verification, or, while
/// suspended, the reason and the form that restores it.
#[component]
fn VerifiedItem(charity: VerifiedCharity) -> impl IntoView {
    let lang = use_lang();
    let reply = use_form_reply();
    let posted = use_context::<SuspensionForm>().is_some_and(|f| f.0 == charity.id);
    // The posted form's field answers the error summary's link (`#field-reason`).
    let (field_id, value, error) = if posted {
        (
            "field-reason".to_owned(),
            reply.value("reason"),
            reply.error("reason").map(|p| p.message(lang)),
        )
    } else {
        (
            format!("suspension-reason-{}", charity.id),
            String::new(),
            None,
        )
    };
    let error_id = format!("{field_id}-error");
    let described = error.is_some().then(|| error_id.clone());
    let public_page = routes::CHARITY_PUBLIC.to([&charity.slug]);
    let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    let suspended = charity.suspended_on.is_some();
    let (action, label, button, class) = if suspended {
        (
            routes::RESTORE_CHARITY.to([&charity.id]),
            lang.pick("恢复说明（可不填）", "Note on restoring (optional)"),
            lang.pick("恢复认证", "Restore"),
            "button",
        )
    } else {
        (
            routes::SUSPEND_CHARITY.to([&charity.id]),
            lang.pick(
                "暂停认证的原因（必填，只告知该机构）",
                "Reason for suspending (required; shown to the charity only)",
            ),
            lang.pick("暂停认证", "Suspend"),
            "button button-secondary",
        )
    };
    view! {
        <li class="queue-item" data-testid="verified-charity">
            <h3><a href=public_page>{charity.name.clone()}</a></h3>
            <dl class="facts">
                <div class="fact"><dt>{lang.pick("统一社会信用代码", "USCC")}</dt><dd>{charity.uscc.clone()}</dd></div>
                <div class="fact"><dt>{lang.pick("登记所在地", "Registered in")}</dt><dd>{charity.place.clone()}</dd></div>
                <div class="fact"><dt>{lang.pick("认证日期", "Verified on")}</dt><dd>{charity.verified_on.map(day).unwrap_or_else(|| "—".into())}</dd></div>
                <div class="fact"><dt>{lang.pick("状态", "Status")}</dt><dd data-testid="charity-standing">{if suspended {
                    lang.pick("认证已暂停", "Verification suspended")
                } else {
                    lang.pick("已认证", "Verified")
                }}</dd></div>
            </dl>
            {charity.suspended_on.map(|since| view! {
                <p class="notice notice-warning" data-testid="suspension">
                    {lang.pick("认证已于 ", "Suspended on ")}{day(since)}{lang.pick(" 暂停。原因：", ". Reason: ")}{charity.suspension_reason.clone().unwrap_or_default()}
                </p>
            })}
            <form method="post" action=action class="stack">
                <div class="field" class:field-invalid=error.is_some()>
                    <label for=field_id.clone()>{label}</label>
                    {error.clone().map(|e| view! { <p class="field-error" id=error_id.clone()>{e}</p> })}
                    <input id=field_id name="reason" type="text" maxlength="500" value=value
                        aria-invalid=error.is_some().then_some("true") aria-describedby=described/>
                </div>
                <button type="submit" class=class>{button}</button>
            </form>
        </li>
    }
}

#[component]
fn PendingItem(charity: PendingCharity) -> impl IntoView {
    let lang = use_lang();
    let verify_action = routes::VERIFY_CHARITY.to([&charity.id]);
    let reject_action = routes::REJECT_CHARITY.to([&charity.id]);
    let reason_id = format!("reason-{}", charity.id);
    view! {
        <li class="queue-item" data-testid="pending-charity">
            <h3>{charity.name.clone()}</h3>
            <dl class="facts">
                <div class="fact"><dt>{lang.pick("统一社会信用代码", "USCC")}</dt><dd>{charity.uscc}</dd></div>
                <div class="fact"><dt>{lang.pick("登记所在地", "Registered in")}</dt><dd>{charity.place}</dd></div>
                <div class="fact"><dt>{lang.pick("公开募捐资格", "Public fundraising")}</dt><dd>{if charity.public_fundraising { lang.pick("有", "Yes") } else { lang.pick("无", "No") }}</dd></div>
                <div class="fact"><dt>{lang.pick("提交日期", "Submitted")}</dt><dd>{charity.registered_on.format("%Y-%m-%d").to_string()}</dd></div>
            </dl>
            <p>{charity.description}</p>
            <form method="post" action=verify_action>
                <button type="submit" class="button">{lang.pick("通过认证", "Verify")}</button>
            </form>
            <form method="post" action=reject_action class="stack">
                <div class="field">
                    <label for=reason_id.clone()>{lang.pick("不通过的原因", "Reason for rejecting")}</label>
                    <input id=reason_id name="reason" type="text"/>
                </div>
                <button type="submit" class="button button-secondary">{lang.pick("不通过", "Reject")}</button>
            </form>
        </li>
    }
}

/// A link the server just issued for the admin to pass on (reset link), shown once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedResetLink(pub String);

/// The platform admin's account tools: issue a one-time password reset link.
#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let lang = use_lang();
    let user = crate::components::session::use_current_user();
    let Some(user) = user else {
        redirect_to_sign_in("/admin/users");
        return view! { <p>{lang.pick("请先登录。", "Please sign in first.")}</p> }.into_any();
    };
    if !user.is_platform_admin {
        set_status(403);
        return view! { <RefusalPage error=AppError::Forbidden/> }.into_any();
    }
    let link = use_context::<IssuedResetLink>();
    view! {
        <Title text=lang.pick("账号管理 · 善桥", "Accounts · Shanqiao")/>
        <section class="form-page">
            <h1>{lang.pick("重置用户密码", "Reset a user's password")}</h1>
            <p class="muted">
                {lang.pick(
                    "为用户生成一次性重置链接（24 小时内有效），请通过可靠渠道转交本人。",
                    "Creates a one-time reset link (valid 24 hours); pass it to the person through a channel you trust.",
                )}
            </p>
            {link.map(|IssuedResetLink(url)| view! {
                <div class="notice" role="status" data-testid="reset-link">
                    <p>{lang.pick("重置链接（只显示这一次）：", "Reset link (shown only this once):")}</p>
                    <p><code>{url}</code></p>
                </div>
            })}
            <ErrorSummary/>
            <form method="post" action=routes::ISSUE_RESET_LINK.url() class="stack" novalidate>
                <crate::components::form::Field name="account" label=lang.pick("用户的邮箱或手机号", "The user's e-mail or mobile number") autocomplete="off"/>
                <button type="submit" class="button">{lang.pick("生成重置链接", "Create reset link")}</button>
            </form>
        </section>
    }
    .into_any()
}

/// The platform admin creates civil-affairs offices, each with an invitation for its
/// first office admin.
#[component]
pub fn AdminOfficesPage() -> impl IntoView {
    use crate::components::form::Field;
    let lang = use_lang();
    let Some(user) = crate::components::session::use_current_user() else {
        redirect_to_sign_in("/admin/offices");
        return view! { <p>{lang.pick("请先登录。", "Please sign in first.")}</p> }.into_any();
    };
    if !user.is_platform_admin {
        set_status(403);
        return view! { <RefusalPage error=AppError::Forbidden/> }.into_any();
    }
    let sent = use_context::<InvitationSent>();
    view! {
        <Title text=lang.pick("民政部门管理 · 善桥", "Offices · Shanqiao")/>
        <section class="form-page">
            <h1>{lang.pick("新建民政部门", "Create a civil-affairs office")}</h1>
            {sent.map(|InvitationSent(email)| view! {
                <div class="notice" role="status" data-testid="invitation-sent">
                    <p>{lang.pick("已创建。部门管理员的邀请已发送至 ", "Created. The office admin's invitation was sent to ")}<strong>{email}</strong>{lang.pick(
                        "（7 天内有效，只能使用一次）。",
                        " (valid 7 days, once).",
                    )}</p>
                </div>
            })}
            <ErrorSummary/>
            <form method="post" action=routes::ADMIN_OFFICES.url() class="stack" novalidate>
                <Field name="name" label=lang.pick("部门名称", "Office name") hint=lang.pick("例如“梨树县民政局”。", "For example “Lishu County Civil Affairs Bureau”.")/>
                <Field name="region_code" label=lang.pick("辖区行政区划代码", "Region code (GB/T 2260)") hint=lang.pick("6 位，例如 220322。", "6 digits, e.g. 220322.")/>
                <Field name="admin_email" label=lang.pick("部门管理员邮箱", "Office admin's e-mail") kind="email"/>
                <button type="submit" class="button">{lang.pick("创建并发送邀请", "Create and send the invitation")}</button>
            </form>
        </section>
    }
    .into_any()
}
