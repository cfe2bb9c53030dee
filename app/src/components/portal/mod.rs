//! What both portals (`/office`, `/charity`) show of their organization: its members,
//! inviting members and API tokens (for admins). The forms post to the actions in
//! `post.rs`, which answer with the portal page again, showing where an invitation went
//! or a token issued once.

#[cfg(feature = "ssr")]
pub mod post;

use crate::components::form::{ErrorSummary, Field};
use crate::components::lang::use_lang;
use crate::domain::organization::{OrganizationKind, Role, Verification};
use crate::error::AppError;
use crate::organizations::{
    my_open_invitations, my_tokens, MyOrganization, PendingInvitation, TokenRow,
};
use crate::routes;
use leptos::prelude::*;

/// An API token just issued, shown once to the admin who issued it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedToken(pub String);

/// An invitation just sent: the address it went to, as the admin typed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationSent(pub String);

/// Where an organization kind's portal lives.
pub fn portal_base(kind: OrganizationKind) -> &'static str {
    portal_routes(kind).page.url()
}

/// The pages of an organization kind's portal and its forms.
pub struct PortalRoutes {
    pub page: routes::Route<0>,
    pub invitations: routes::Route<0>,
    pub revoke_invitation: routes::Route<1>,
    pub tokens: routes::Route<0>,
    pub revoke_token: routes::Route<1>,
}

/// Where an organization kind's portal and its forms live.
pub fn portal_routes(kind: OrganizationKind) -> PortalRoutes {
    match kind {
        OrganizationKind::Charity => PortalRoutes {
            page: routes::CHARITY,
            invitations: routes::CHARITY_INVITATIONS,
            revoke_invitation: routes::CHARITY_INVITATION_REVOKE,
            tokens: routes::CHARITY_TOKENS,
            revoke_token: routes::CHARITY_TOKEN_REVOKE,
        },
        OrganizationKind::CivilAffairs => PortalRoutes {
            page: routes::OFFICE,
            invitations: routes::OFFICE_INVITATIONS,
            revoke_invitation: routes::OFFICE_INVITATION_REVOKE,
            tokens: routes::OFFICE_TOKENS,
            revoke_token: routes::OFFICE_TOKEN_REVOKE,
        },
    }
}

/// What the portal's admin sections load: made by the page itself, beside its other
/// resources and outside any Suspense, so that each loads once per render (a resource
/// made inside a Suspense's children is made again on every pass over them).
#[derive(Clone, Copy)]
pub struct PortalResources {
    invitations: Resource<Result<Vec<PendingInvitation>, AppError>>,
    tokens: Resource<Result<Vec<TokenRow>, AppError>>,
}

impl PortalResources {
    pub fn new(kind: OrganizationKind) -> Self {
        PortalResources {
            invitations: Resource::new(move || kind, my_open_invitations),
            tokens: Resource::new(move || kind, my_tokens),
        }
    }
}

#[component]
pub fn Portal(
    org: MyOrganization,
    registered: bool,
    loads: PortalResources,
    /// What only this kind of organization shows, after its members.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let invited = use_context::<InvitationSent>();
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
    view! {
        <section class="portal">
            <h1>{org.name.clone()}</h1>
            {registered.then(|| view! {
                <p class="notice" role="status">{lang.pick("注册成功。", "Registration received.")}</p>
            })}
            {is_charity.then(|| match org.suspension.clone() {
                None => view! {
                    <p data-testid="verification-status">
                        <strong>{org.verification.label(lang)}</strong>" · "{status_line}
                    </p>
                }
                .into_any(),
                // Still verified on record, but not allowed to act while suspended.
                Some(s) => view! {
                    <div class="notice notice-warning" role="alert" data-testid="verification-status">
                        <p>
                            <strong>{lang.pick("认证已暂停", "Verification suspended")}</strong>" · "
                            {lang.pick("平台管理员于 ", "A platform admin suspended your charity's verification on ")}
                            {s.since.format("%Y-%m-%d").to_string()}
                            {lang.pick(
                                " 暂停了本机构的认证。暂停期间，本机构不能认领需求、募集善款，也不接受新的认捐；已认领的需求仍可完成并提交交付报告。公开页面显示认证已暂停（不显示原因）。",
                                ". While it is suspended, your charity cannot claim needs, raise money or take new pledges; needs it has already claimed can still be met and reported. Your public pages say the verification is suspended (without the reason).",
                            )}
                        </p>
                        <p data-testid="suspension-reason">{lang.pick("暂停原因：", "Reason: ")}{s.reason}</p>
                        <p>{lang.pick("问题解决后，请联系平台管理员恢复认证。", "Once the matter is resolved, ask a platform admin to restore the verification.")}</p>
                    </div>
                }
                .into_any(),
            })}
            {org.verification_reason.clone().filter(|_| is_charity).map(|r| view! {
                <p>{lang.pick("审核意见：", "Reviewer's note: ")}{r}</p>
            })}
            {children.map(|c| c())}
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
            {is_admin.then(|| view! { <InviteForm sent=invited kind open=loads.invitations/> })}
            {is_admin.then(|| view! { <Tokens kind tokens=loads.tokens/> })}
        </section>
    }
}

#[component]
fn InviteForm(
    sent: Option<InvitationSent>,
    kind: OrganizationKind,
    open: Resource<Result<Vec<PendingInvitation>, AppError>>,
) -> impl IntoView {
    let lang = use_lang();
    let roles: &[Role] = match kind {
        OrganizationKind::Charity => &[Role::CharityMember, Role::CharityAdmin],
        OrganizationKind::CivilAffairs => &[Role::Caseworker, Role::Reviewer, Role::OfficeAdmin],
    };
    view! {
        <h2>{lang.pick("邀请成员", "Invite a member")}</h2>
        {sent.map(|InvitationSent(email)| view! {
            <div class="notice" role="status" data-testid="invitation-sent">
                <p>{lang.pick("邀请已发送至 ", "Invitation sent to ")}<strong>{email}</strong>{lang.pick(
                    "。对方打开邮件中的链接即可加入（7 天内有效，只能使用一次）。",
                    ". They join by opening the link in it (valid 7 days, once).",
                )}</p>
            </div>
        })}
        <ErrorSummary/>
        <form method="post" action=portal_routes(kind).invitations.url() class="stack" novalidate>
            <Field name="email" label=lang.pick("对方邮箱", "Their e-mail") kind="email" autocomplete="off"/>
            <div class="field">
                <label for="field-role">{lang.pick("角色", "Role")}</label>
                <select id="field-role" name="role">
                    {roles.iter().map(|r| view! { <option value=r.code()>{r.label(lang)}</option> }).collect_view()}
                </select>
            </div>
            <button type="submit" class="button">{lang.pick("发送邀请", "Send the invitation")}</button>
        </form>
        <OpenInvitations kind open/>
    }
}

/// The invitations still waiting, each of which the admin can take back.
#[component]
fn OpenInvitations(
    kind: OrganizationKind,
    open: Resource<Result<Vec<PendingInvitation>, AppError>>,
) -> impl IntoView {
    let lang = use_lang();
    let forms = portal_routes(kind);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let rows = open.await.unwrap_or_default();
                (!rows.is_empty()).then(|| view! {
                    <h3>{lang.pick("待接受的邀请", "Invitations not yet accepted")}</h3>
                    <table class="items" data-testid="open-invitations">
                        <thead>
                            <tr>
                                <th scope="col">{lang.pick("邮箱", "E-mail")}</th>
                                <th scope="col">{lang.pick("角色", "Role")}</th>
                                <th scope="col">{lang.pick("有效期至", "Valid until")}</th>
                                <th scope="col"><span class="visually-hidden">{lang.pick("操作", "Action")}</span></th>
                            </tr>
                        </thead>
                        <tbody>
                            {rows.into_iter().map(|i| view! {
                                <tr>
                                    <td>{i.email.clone()}</td>
                                    <td>{i.role.label(lang)}</td>
                                    <td>{i.expires_on.format("%Y-%m-%d").to_string()}</td>
                                    <td>
                                        <form method="post" action=forms.revoke_invitation.to([&i.id])>
                                            <button type="submit" class="button button-secondary" aria-label=format!("{} {}", lang.pick("撤回邀请", "Revoke the invitation of"), i.email)>
                                                {lang.pick("撤回", "Revoke")}
                                            </button>
                                        </form>
                                    </td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                })
            })}
        </Suspense>
    }
}

#[component]
fn Tokens(
    kind: OrganizationKind,
    tokens: Resource<Result<Vec<TokenRow>, AppError>>,
) -> impl IntoView {
    let lang = use_lang();
    let forms = portal_routes(kind);
    let issued = use_context::<IssuedToken>();
    view! {
        <h2>{lang.pick("API 令牌", "API tokens")}</h2>
        <p class="muted">
            {lang.pick(
                "供本机构的信息系统调用善桥 API（/api/v1/…）。令牌以创建人（您本人）的身份和角色、在本机构范围内操作，通过令牌所做的每项操作都记录在您和该令牌名下。",
                "For your organization's own systems calling the Shanqiao API (/api/v1/…). A token acts as the person who creates it (you), with your role, within this organization; everything done through it is recorded under you and the token.",
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
                                <th scope="col">{lang.pick("有效期至", "Expires")}</th>
                                <th scope="col">{lang.pick("状态", "Status")}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {rows.into_iter().map(|t| {
                                let revoke = forms.revoke_token.to([&t.id]);
                                let used = t.last_used_on.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_else(|| "—".into());
                                let expires = t.expires_on.map_or_else(|| lang.pick("长期有效", "Never").to_owned(), |d| d.format("%Y-%m-%d").to_string());
                                view! {
                                    <tr>
                                        <td>{t.name}</td>
                                        <td>{t.user}</td>
                                        <td>{used}</td>
                                        <td>{expires}</td>
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
        <form method="post" action=forms.tokens.url() class="stack" novalidate>
            <Field name="token_name" label=lang.pick("令牌名称", "Token name") hint=lang.pick("例如“机构业务系统”。", "For example “our case system”.")/>
            <div class="field">
                <label for="field-token_lifetime">{lang.pick("有效期", "Valid for")}</label>
                <select id="field-token_lifetime" name="token_lifetime">
                    <option value="year" selected>{lang.pick("一年", "One year")}</option>
                    <option value="days90">{lang.pick("90 天", "90 days")}</option>
                    <option value="never">{lang.pick("长期（直到撤销）", "Until revoked")}</option>
                </select>
            </div>
            <button type="submit" class="button">{lang.pick("创建令牌", "Create token")}</button>
        </form>
    }
}
