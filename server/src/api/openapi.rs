//! The OpenAPI document of `/api/v1`, generated from the handlers and types above and
//! served at `/api/v1/openapi.json`.

use super::claims::{
    AttachmentBody, ClaimBody, ClaimList, ClaimNeedRequest, DeliveredItemBody, FulfilmentRequest,
    MatchBody, MatchesBody, ReasonBody, ReleaseRequest,
};
use super::library::{FacetCount, LibraryFacets, LibraryResponse, LibraryResult};
use super::money::{
    FundBody, FundDetailBody, FundList, LedgerLineBody, MatchingBody, PaymentBody, PaymentLine,
    PledgeBody, PledgeRequest, ReachedBody,
};
use super::needs::{
    ItemBody, NeedList, NeedListItem, NeedRequest, NeedState, PrivateBody, WithdrawRequest,
};
use super::pii_check::{FindingBody, PiiCheckRequest, PiiCheckResponse};
use super::{ApiError, ErrorBody};
use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Shanqiao 善桥 API",
        version = "1",
        description = "Office systems push anonymized needs and follow their state; \
            charity systems find the needs that fit them, claim them and report fulfilment. \
            Authenticate with the organization's API token: `Authorization: Bearer sq_…` \
            (the public library search needs none). \
            Errors are `{\"error\": {\"code\", \"message\", \"fields\"}}`."
    ),
    paths(
        super::needs::list_needs,
        super::needs::create_need,
        super::needs::read_need,
        super::needs::update_need,
        super::needs::submit_need,
        super::needs::withdraw_need,
        super::pii_check::pii_check,
        super::library::library,
        super::claims::matches,
        super::claims::claim_need,
        super::claims::list_claims,
        super::claims::read_claim,
        super::claims::release_claim,
        super::claims::report_fulfilment,
        super::claims::upload_attachment,
        super::money::create_pledge,
        super::money::read_pledge,
        super::money::list_funds,
        super::money::read_fund,
    ),
    components(schemas(
        ApiError,
        ErrorBody,
        NeedRequest,
        NeedState,
        ItemBody,
        PrivateBody,
        NeedList,
        NeedListItem,
        WithdrawRequest,
        PiiCheckRequest,
        PiiCheckResponse,
        FindingBody,
        LibraryResponse,
        LibraryResult,
        LibraryFacets,
        FacetCount,
        MatchesBody,
        MatchBody,
        ReasonBody,
        ClaimNeedRequest,
        ClaimBody,
        ClaimList,
        DeliveredItemBody,
        AttachmentBody,
        ReleaseRequest,
        FulfilmentRequest,
        PledgeRequest,
        PledgeBody,
        ReachedBody,
        PaymentBody,
        PaymentLine,
        FundList,
        FundBody,
        MatchingBody,
        FundDetailBody,
        LedgerLineBody,
    )),
    modifiers(&BearerToken),
    tags(
        (name = "needs", description = "Needs of the token's office region"),
        (name = "pii", description = "The PII guard"),
        (name = "library", description = "The public needs library: search, facets (no token)"),
        (name = "money", description = "Funds and pledges: anyone pledges to a fund or a need and follows the money by receipt code (no token)"),
        (name = "claims", description = "Charities: needs ranked by fit, claims, releases and fulfilment reports (a charity's token)"),
    )
)]
pub struct ApiDoc;

struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .bearer_format("sq_ API token")
                        .build(),
                ),
            );
        }
    }
}

/// `GET /api/v1/openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
