//! The charity side: registering a charity, its portal (status, members, invitations),
//! and accepting an invitation.

use crate::accounts::FormReply;
use crate::components::form::{use_form_reply, ErrorSummary, Field};
use crate::components::lang::use_lang;
use crate::components::session::redirect_to_sign_in;
use crate::domain::organization::{OrganizationKind, Role, Verification};
use crate::error::AppError;
use crate::organizations::{
    my_charity, my_tokens, open_invitation, registration_regions, MemberView, MyOrganization,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn CharityRegisterPage() -> impl IntoView {
    let lang = use_lang();
    let reply = use_form_reply();
    let regions = Resource::new(|| (), |_| registration_regions());
    let chosen = reply.value("region_code");
    let fundraising_checked = reply.value("public_fundraising") == "on";
    let region_error = reply.error("region_code").map(|p| p.message(lang));
    view! {
        <Title text=lang.pick("慈善组织注册 · 善桥", "Register a charity · Shanqiao")/>
        <section class="form-page">
            <h1>{lang.pick("慈善组织注册", "Register a charity")}</h1>
            <p class="muted">
                {lang.pick(
                    "提交后由平台管理员核对登记信息；审核通过前，机构不能认领需求、募集善款或设立基金。",
                    "A platform admin checks the registration; until it is verified, the charity cannot claim needs, raise money or set up funds.",
                )}
            </p>
            <ErrorSummary/>
            <form method="post" action="/charity/register" class="stack" novalidate>
                <Field name="name" label=lang.pick("机构全称", "Full name of the charity") autocomplete="organization"/>
                <Field
                    name="uscc"
                    label=lang.pick("统一社会信用代码", "Unified social credit code")
                    hint=lang.pick("18 位，见登记证书。", "18 characters, on the registration certificate.")
                />
                <div class="field" class:field-invalid=region_error.is_some()>
                    <label for="field-region_code">{lang.pick("登记所在地", "Registered in")}</label>
                    {region_error.map(|e| view! { <p class="field-error" id="field-region_code-error">{e}</p> })}
                    <Suspense fallback=|| ()>
                        {move || {
                            let chosen = chosen.clone();
                            Suspend::new(async move {
                                let options = regions.await.unwrap_or_default();
                                view! {
                                    <select id="field-region_code" name="region_code" required>
                                        <option value="">{lang.pick("请选择省、市", "Choose a province or city")}</option>
                                        {options
                                            .into_iter()
                                            .map(|(code, label)| {
                                                let selected = code == chosen;
                                                view! { <option value=code selected=selected>{label}</option> }
                                            })
                                            .collect_view()}
                                    </select>
                                }
                            })
                        }}
                    </Suspense>
                </div>
                <div class="field field-check">
                    <label>
                        <input type="checkbox" name="public_fundraising" checked=fundraising_checked/>
                        " "
                        {lang.pick("具有公开募捐资格", "Qualified for public fundraising")}
                    </label>
                </div>
                <Field name="description" label=lang.pick("机构简介（选填）", "Description (optional)") required=false/>
                <h2>{lang.pick("机构管理员账号", "The charity's admin account")}</h2>
                <Field name="admin_account" label=lang.pick("邮箱或手机号", "E-mail or mobile number") autocomplete="username"/>
                <Field name="admin_display_name" label=lang.pick("姓名或称呼", "Name") autocomplete="name"/>
                <Field
                    name="password"
                    label=lang.pick("密码", "Password")
                    kind="password"
                    autocomplete="new-password"
                    hint=lang.pick("至少 10 个字符。", "At least 10 characters.")
                />
                <Field name="password_confirmation" label=lang.pick("再次输入密码", "Password again") kind="password" autocomplete="new-password"/>
                <button type="submit" class="button">{lang.pick("提交注册", "Register")}</button>
            </form>
        </section>
    }
}

#[component]
pub fn CharityPortalPage() -> impl IntoView {
    let lang = use_lang();
    let charity = Resource::new(|| (), |_| my_charity());
    let query = use_query_map();
    let registered = query.read_untracked().get("registered").is_some();
    let invited_link = issued_link();
    view! {
        <Title text=lang.pick("机构工作台 · 善桥", "Charity portal · Shanqiao")/>
        <Suspense fallback=|| ()>
            {move || {
                let invited_link = invited_link.clone();
                Suspend::new(async move {
                    match charity.await {
                        Ok(org) => view! { <Portal org registered invited_link/> }.into_any(),
                        Err(AppError::Unauthorized) => {
                            redirect_to_sign_in("/charity");
                            view! { <p>{lang.pick("请先登录。", "Please sign in first.")}</p> }.into_any()
                        }
                        Err(AppError::NotFound) => view! {
                            <h1>{lang.pick("机构工作台", "Charity portal")}</h1>
                            <p>{lang.pick("您的账号不属于任何慈善组织。", "Your account does not belong to a charity.")}</p>
                            <p><a href="/charity/register">{lang.pick("注册慈善组织", "Register a charity")}</a></p>
                        }
                        .into_any(),
                        Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// The link the server just issued, if this page answers an invitation post.
pub fn issued_link() -> Option<IssuedLink> {
    #[cfg(feature = "ssr")]
    {
        use_context::<axum::http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<IssuedLink>().cloned())
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

/// An API token just issued, shown once to the admin who issued it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedToken(pub String);

fn issued_token() -> Option<IssuedToken> {
    #[cfg(feature = "ssr")]
    {
        use_context::<axum::http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<IssuedToken>().cloned())
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

#[component]
fn Tokens(members: Vec<MemberView>, kind: OrganizationKind) -> impl IntoView {
    let lang = use_lang();
    let base = portal_base(kind);
    let tokens = Resource::new(move || kind, my_tokens);
    let issued = issued_token();
    view! {
        <h2>{lang.pick("API 令牌", "API tokens")}</h2>
        <p class="muted">
            {lang.pick(
                "供本机构的信息系统调用善桥 API（/api/v1/…）。令牌以所选成员的身份、在本机构范围内操作。",
                "For your organization's own systems calling the Shanqiao API (/api/v1/…). A token acts as the chosen member, within this organization.",
            )}
        </p>
        {issued.map(|IssuedToken(secret)| view! {
            <div class="notice" role="status" data-testid="issued-token">
                <p>{lang.pick("令牌已创建，只显示这一次，请立即保存：", "Token created. It is shown only this once; store it now:")}</p>
                <p><code>{secret}</code></p>
            </div>
        })}
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let rows = tokens.await.unwrap_or_default();
                (!rows.is_empty()).then(|| view! {
                    <table class="items" data-testid="tokens">
                        <thead>
                            <tr>
                                <th scope="col">{lang.pick("名称", "Name")}</th>
                                <th scope="col">{lang.pick("身份", "Acts as")}</th>
                                <th scope="col">{lang.pick("最近使用", "Last used")}</th>
                                <th scope="col">{lang.pick("状态", "Status")}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {rows.into_iter().map(|t| {
                                let revoke = format!("{base}/tokens/{}/revoke", t.id);
                                let used = t.last_used_on.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_else(|| "—".into());
                                view! {
                                    <tr>
                                        <td>{t.name}</td>
                                        <td>{t.user}</td>
                                        <td>{used}</td>
                                        <td>
                                            {if t.revoked {
                                                lang.pick("已撤销", "Revoked").into_any()
                                            } else {
                                                view! {
                                                    <form method="post" action=revoke>
                                                        <button type="submit" class="button button-secondary">{lang.pick("撤销", "Revoke")}</button>
                                                    </form>
                                                }.into_any()
                                            }}
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                })
            })}
        </Suspense>
        <form method="post" action=format!("{base}/tokens") class="stack" novalidate>
            <Field name="token_name" label=lang.pick("令牌名称", "Token name") hint=lang.pick("例如“机构业务系统”。", "For example “our case system”.")/>
            <div class="field">
                <label for="field-token_user">{lang.pick("以哪位成员的身份", "Acting as member")}</label>
                <select id="field-token_user" name="token_user">
                    {members.into_iter().map(|m| view! { <option value=m.user_id.to_string()>{m.display_name}</option> }).collect_view()}
                </select>
            </div>
            <button type="submit" class="button">{lang.pick("创建令牌", "Create token")}</button>
        </form>
    }
}

/// An invitation link just created, shown once to the admin who created it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedLink(pub String);

/// Where an organization kind's portal lives.
pub fn portal_base(kind: OrganizationKind) -> &'static str {
    match kind {
        OrganizationKind::Charity => "/charity",
        OrganizationKind::CivilAffairs => "/office",
    }
}

#[component]
pub fn Portal(
    org: MyOrganization,
    registered: bool,
    invited_link: Option<IssuedLink>,
) -> impl IntoView {
    let lang = use_lang();
    let status_line = match org.verification {
        Verification::Pending => lang.pick(
            "注册信息已提交，正在等待平台审核。",
            "Registration submitted; waiting for a platform admin to verify it.",
        ),
        Verification::Verified => lang.pick("已通过平台认证。", "Verified by the platform."),
        Verification::Rejected => lang.pick("未通过平台审核。", "Not verified by the platform."),
    };
    let kind = org.kind;
    let is_admin = matches!(org.my_role, Role::CharityAdmin | Role::OfficeAdmin);
    let is_charity = kind == OrganizationKind::Charity;
    let members_for_tokens = org.members.clone();
    view! {
        <section class="portal">
            <h1>{org.name.clone()}</h1>
            {registered.then(|| view! {
                <p class="notice" role="status">{lang.pick("注册成功。", "Registration received.")}</p>
            })}
            {is_charity.then(|| view! {
                <p data-testid="verification-status">
                    <strong>{org.verification.label(lang)}</strong>" · "{status_line}
                </p>
            })}
            {org.verification_reason.clone().filter(|_| is_charity).map(|r| view! {
                <p>{lang.pick("审核意见：", "Reviewer's note: ")}{r}</p>
            })}
            <h2>{lang.pick("机构成员", "Members")}</h2>
            <table class="items" data-testid="members">
                <thead>
                    <tr>
                        <th scope="col">{lang.pick("姓名", "Name")}</th>
                        <th scope="col">{lang.pick("账号", "Account")}</th>
                        <th scope="col">{lang.pick("角色", "Role")}</th>
                    </tr>
                </thead>
                <tbody>
                    {org.members
                        .into_iter()
                        .map(|m| view! {
                            <tr>
                                <td>{m.display_name}</td>
                                <td>{m.contact}</td>
                                <td>{m.role.label(lang)}</td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
            {is_charity.then(|| view! { <Activity/> })}
            {is_admin.then(|| view! { <InviteForm link=invited_link kind/> })}
            {is_admin.then(|| view! { <Tokens members=members_for_tokens kind/> })}
        </section>
    }
}

#[component]
fn InviteForm(link: Option<IssuedLink>, kind: OrganizationKind) -> impl IntoView {
    let lang = use_lang();
    let roles: &[Role] = match kind {
        OrganizationKind::Charity => &[Role::CharityMember, Role::CharityAdmin],
        OrganizationKind::CivilAffairs => &[Role::Caseworker, Role::Reviewer, Role::OfficeAdmin],
    };
    view! {
        <h2>{lang.pick("邀请成员", "Invite a member")}</h2>
        {link.map(|IssuedLink(url)| view! {
            <div class="notice" role="status" data-testid="invitation-link">
                <p>{lang.pick("邀请已创建。请把下面的链接发给对方（7 天内有效，只能使用一次）：", "Invitation created. Send this link to the person (valid 7 days, once):")}</p>
                <p><code>{url}</code></p>
            </div>
        })}
        <ErrorSummary/>
        <form method="post" action=format!("{}/invitations", portal_base(kind)) class="stack" novalidate>
            <Field name="email" label=lang.pick("对方邮箱", "Their e-mail") kind="email" autocomplete="off"/>
            <div class="field">
                <label for="field-role">{lang.pick("角色", "Role")}</label>
                <select id="field-role" name="role">
                    {roles.iter().map(|r| view! { <option value=r.code()>{r.label(lang)}</option> }).collect_view()}
                </select>
            </div>
            <button type="submit" class="button">{lang.pick("生成邀请链接", "Create invitation link")}</button>
        </form>
    }
}

#[component]
pub fn InvitationPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let token = params.read_untracked().get("token").unwrap_or_default();
    let action = format!("/invitations/{token}");
    let invitation = Resource::new(move || token.clone(), open_invitation);
    let reply: FormReply = use_form_reply();
    let form_error = reply.form_error.map(|p| p.message(lang));
    view! {
        <Title text=lang.pick("接受邀请 · 善桥", "Accept an invitation · Shanqiao")/>
        <section class="form-page">
            <h1>{lang.pick("接受邀请", "Accept an invitation")}</h1>
            <Suspense fallback=|| ()>
                {move || {
                    let action = action.clone();
                    let form_error = form_error;
                    Suspend::new(async move {
                        match invitation.await {
                            Ok(inv) => view! {
                                <p data-testid="invitation">
                                    {lang.pick("您受邀以“", "You are invited to join ")}
                                    {inv.role.label(lang)}
                                    {lang.pick("”身份加入 ", " as the role above, at ")}
                                    <strong>{inv.organization}</strong>
                                    {lang.pick("。登录账号：", ". Your sign-in: ")}{inv.email}
                                </p>
                                <ErrorSummary/>
                                <form method="post" action=action class="stack" novalidate>
                                    <Field name="display_name" label=lang.pick("姓名或称呼", "Name") autocomplete="name"/>
                                    <Field name="password" label=lang.pick("设置密码", "Choose a password") kind="password" autocomplete="new-password" hint=lang.pick("至少 10 个字符。", "At least 10 characters.")/>
                                    <Field name="password_confirmation" label=lang.pick("再次输入密码", "Password again") kind="password" autocomplete="new-password"/>
                                    <button type="submit" class="button">{lang.pick("接受邀请", "Accept")}</button>
                                </form>
                            }
                            .into_any(),
                            Err(_) => {
                                super::not_found::set_not_found_status();
                                view! {
                                    <p role="alert">
                                        {form_error.unwrap_or(lang.pick(
                                            "邀请链接无效、已使用或已过期，请向机构管理员索取新的链接。",
                                            "This invitation link is invalid, used or expired; ask the organization's admin for a new one.",
                                        ))}
                                    </p>
                                }
                                .into_any()
                            }
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}

/// A charity's own claims, funds and pledges.
#[component]
fn Activity() -> impl IntoView {
    use crate::organizations::my_charity_activity;
    let lang = use_lang();
    let activity = Resource::new(|| (), |_| my_charity_activity());
    let date = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let a = activity.await.unwrap_or_default();
                view! {
                    <h2>{lang.pick("本机构的认领", "Our claims")}</h2>
                    {if a.claims.is_empty() {
                        view! { <p class="muted">{lang.pick("暂无认领。", "No claims yet.")}</p> }.into_any()
                    } else {
                        view! {
                            <div class="table-scroll"><table class="items" data-testid="our-claims">
                                <thead><tr>
                                    <th scope="col">{lang.pick("需求", "Need")}</th>
                                    <th scope="col">{lang.pick("方式", "Mode")}</th>
                                    <th scope="col">{lang.pick("状态", "Status")}</th>
                                    <th scope="col">{lang.pick("到期", "Due")}</th>
                                </tr></thead>
                                <tbody>
                                    {a.claims.into_iter().map(|c| view! {
                                        <tr>
                                            <td><a href=format!("/needs/{}", c.need_code)>{c.need_code.clone()}</a>" "{c.need_title}</td>
                                            <td>{c.mode.label(lang)}</td>
                                            <td>{c.status.label(lang)}</td>
                                            <td>{date(c.due_on)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table></div>
                        }.into_any()
                    }}
                    <h2>{lang.pick("本机构的基金与项目", "Our funds and projects")}</h2>
                    {if a.funds.is_empty() {
                        view! { <p class="muted">{lang.pick("暂无基金。", "No funds yet.")}</p> }.into_any()
                    } else {
                        view! {
                            <ul data-testid="our-funds">
                                {a.funds.into_iter().map(|f| view! {
                                    <li>{f.code}" · "{f.name}" · "{f.kind.label(lang)}" · "{f.status.label(lang)}</li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                    <h2>{lang.pick("收到的认捐", "Pledges to us")}</h2>
                    {if a.pledges.is_empty() {
                        view! { <p class="muted">{lang.pick("暂无认捐。", "No pledges yet.")}</p> }.into_any()
                    } else {
                        view! {
                            <div class="table-scroll"><table class="items" data-testid="our-pledges">
                                <thead><tr>
                                    <th scope="col">{lang.pick("回执号", "Receipt")}</th>
                                    <th scope="col">{lang.pick("认捐对象", "For")}</th>
                                    <th scope="col">{lang.pick("金额", "Amount")}</th>
                                    <th scope="col">{lang.pick("状态", "Status")}</th>
                                    <th scope="col">{lang.pick("日期", "Date")}</th>
                                </tr></thead>
                                <tbody>
                                    {a.pledges.into_iter().map(|p| view! {
                                        <tr>
                                            <td>{p.receipt_code}</td>
                                            <td>{p.target}</td>
                                            <td>{p.amount.to_string()}</td>
                                            <td>{p.status.label(lang)}</td>
                                            <td>{date(p.pledged_on)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table></div>
                        }.into_any()
                    }}
                }
            })}
        </Suspense>
    }
}
