//! Unsubscribe links that work without signing in (`/unsubscribe/{token}`): the token
//! names what it stops (one subscription's e-mails, or one kind of notification e-mail),
//! whose it is and a nonce, signed with HMAC-SHA256 under a key kept in the database
//! (shared by every instance). A subscription's link works once: using it replaces the
//! nonce. A token changed by hand, or naming someone else's subscription, is refused.

use super::NoticeKind;
use crate::entities::{email_opt_out, site_key, subscription};
use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set,
    TransactionTrait,
};

const KEY_NAME: &str = "unsubscribe";
const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// What an unsubscribe link stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The e-mails of one subscription.
    Subscription(i64),
    /// E-mails of one kind of direct notification.
    Kind(NoticeKind),
}

/// A token's contents, once its signature is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    pub target: Target,
    pub user_id: i64,
    pub nonce: String,
}

/// Why an unsubscribe link did nothing.
#[derive(Debug, thiserror::Error)]
pub enum UnsubscribeError {
    /// Forged, altered, someone else's, or already used.
    #[error("the unsubscribe link is not valid or was already used")]
    Invalid,
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// The signing key, made on first use (by whichever instance comes first).
pub async fn signing_key<C: ConnectionTrait>(db: &C) -> Result<Vec<u8>, DbErr> {
    site_key::Entity::insert(site_key::ActiveModel {
        name: Set(KEY_NAME.to_owned()),
        value: Set(crate::accounts::secret::new_secret()),
        created_at: Set(Utc::now()),
    })
    .on_conflict_do_nothing_on([site_key::Column::Name])
    .exec(db)
    .await?;
    let row = site_key::Entity::find_by_id(KEY_NAME.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("site key".into()))?;
    Ok(row.value.into_bytes())
}

fn mac(key: &[u8], payload: &str) -> Vec<u8> {
    // HMAC takes keys of any length.
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).expect("any key length");
    mac.update(b"shanqiao-unsubscribe-v1:");
    mac.update(payload.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// The token of a link that stops `target` for `user_id`.
pub fn sign(key: &[u8], target: Target, user_id: i64, nonce: &str) -> String {
    let what = match target {
        Target::Subscription(id) => format!("s{id}"),
        Target::Kind(kind) => format!("k{}", kind.code()),
    };
    let payload = format!("{what}.{user_id}.{nonce}");
    format!(
        "{}.{}",
        B64.encode(&payload),
        B64.encode(mac(key, &payload))
    )
}

/// The contents of `token` if its signature holds.
pub fn verify(key: &[u8], token: &str) -> Option<Claims> {
    let (payload, signature) = token.split_once('.')?;
    let payload = String::from_utf8(B64.decode(payload).ok()?).ok()?;
    let signature = B64.decode(signature).ok()?;
    let mut check = Hmac::<sha2::Sha256>::new_from_slice(key).ok()?;
    check.update(b"shanqiao-unsubscribe-v1:");
    check.update(payload.as_bytes());
    check.verify_slice(&signature).ok()?;
    let mut parts = payload.splitn(3, '.');
    let what = parts.next()?;
    let user_id = parts.next()?.parse().ok()?;
    let nonce = parts.next()?.to_owned();
    let target = match what.split_at_checked(1)? {
        ("s", id) => Target::Subscription(id.parse().ok()?),
        ("k", code) => Target::Kind(NoticeKind::parse(code).ok()?),
        _ => return None,
    };
    Some(Claims {
        target,
        user_id,
        nonce,
    })
}

/// What a valid link would stop, as its page says it (a subscription's label, or the
/// kind of notification).
pub async fn describe(db: &DatabaseConnection, token: &str) -> Result<Target, UnsubscribeError> {
    let claims = checked(db, token).await?;
    Ok(claims.target)
}

/// The checked claims of a link that can still be used.
async fn checked<C: ConnectionTrait>(db: &C, token: &str) -> Result<Claims, UnsubscribeError> {
    let key = signing_key(db).await?;
    let claims = verify(&key, token).ok_or(UnsubscribeError::Invalid)?;
    let usable = match claims.target {
        Target::Subscription(id) => subscription::Entity::find_by_id(id)
            .filter(subscription::Column::UserId.eq(claims.user_id))
            .filter(subscription::Column::UnsubscribeNonce.eq(claims.nonce.clone()))
            .filter(subscription::Column::ByEmail.eq(true))
            .one(db)
            .await?
            .is_some(),
        Target::Kind(kind) => email_opt_out::Entity::find()
            .filter(email_opt_out::Column::UserId.eq(claims.user_id))
            .filter(email_opt_out::Column::Kind.eq(kind.code()))
            .one(db)
            .await?
            .is_none(),
    };
    if usable {
        Ok(claims)
    } else {
        Err(UnsubscribeError::Invalid)
    }
}

/// Uses the link: the subscription stops e-mailing (and is removed if it had nothing
/// else to do), or the kind of notification stops coming by e-mail. One transaction;
/// a second use is refused.
pub async fn unsubscribe(
    db: &DatabaseConnection,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Target, UnsubscribeError> {
    let txn = db.begin().await?;
    let claims = checked(&txn, token).await?;
    match claims.target {
        Target::Subscription(id) => {
            let mine = || {
                subscription::Entity::update_many()
                    .filter(subscription::Column::Id.eq(id))
                    .filter(subscription::Column::UserId.eq(claims.user_id))
                    .filter(subscription::Column::UnsubscribeNonce.eq(claims.nonce.clone()))
            };
            // In-app stays if it was on; otherwise the subscription has nothing left.
            let kept = mine()
                .col_expr(subscription::Column::ByEmail, Expr::value(false))
                .col_expr(
                    subscription::Column::UnsubscribeNonce,
                    Expr::value(crate::accounts::secret::new_secret()),
                )
                .filter(subscription::Column::InApp.eq(true))
                .exec(&txn)
                .await?;
            if kept.rows_affected != 1 {
                let removed = subscription::Entity::delete_many()
                    .filter(subscription::Column::Id.eq(id))
                    .filter(subscription::Column::UserId.eq(claims.user_id))
                    .filter(subscription::Column::UnsubscribeNonce.eq(claims.nonce.clone()))
                    .exec(&txn)
                    .await?;
                if removed.rows_affected != 1 {
                    return Err(UnsubscribeError::Invalid);
                }
            }
        }
        Target::Kind(kind) => {
            super::preferences::opt_out(&txn, claims.user_id, kind, now).await?;
        }
    }
    txn.commit().await?;
    Ok(claims.target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_hold_only_when_untouched() {
        let key = b"a key".to_vec();
        let token = sign(&key, Target::Subscription(7), 3, "n0nce");
        let claims = verify(&key, &token).expect("valid");
        assert_eq!(claims.target, Target::Subscription(7));
        assert_eq!(claims.user_id, 3);
        assert_eq!(claims.nonce, "n0nce");
        assert!(verify(b"another key", &token).is_none(), "another key");
        // Someone else's subscription: the payload changed, the signature no longer fits.
        let (_, signature) = token.split_once('.').expect("two parts");
        let forged = format!("{}.{signature}", B64.encode("s8.3.n0nce"));
        assert!(verify(&key, &forged).is_none());
        assert!(verify(&key, "garbage").is_none());
        assert!(verify(&key, "").is_none());
        let kind = sign(&key, Target::Kind(NoticeKind::ClaimDue), 3, "-");
        assert_eq!(
            verify(&key, &kind).expect("valid").target,
            Target::Kind(NoticeKind::ClaimDue)
        );
    }
}
