//! `GET /list-accounts`, `POST /unlink-account`, `POST /get-access-token`,
//! `POST /refresh-token`, `GET /account-info`.

use serde::Serialize;

use super::{Ctx, Outcome, Status};
use crate::http::error::ProtocolError;
use crate::http::reply::Reply;
use crate::http::validate::Fields;
use crate::model::{Account, AccountId, Timestamp, UserId};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Listed<'a> {
    account_id: &'a str,
    provider_id: &'a str,
    user_id: &'a UserId,
    created_at: Timestamp,
    updated_at: Timestamp,
    id: &'a AccountId,
    scopes: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AccessToken<'a> {
    access_token: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    access_token_expires_at: Option<Timestamp>,
    scopes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id_token: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Refreshed<'a> {
    access_token: Option<&'a str>,
    refresh_token: Option<&'a str>,
    access_token_expires_at: Option<Timestamp>,
    refresh_token_expires_at: Option<Timestamp>,
    scope: Option<&'a str>,
    id_token: Option<&'a str>,
    provider_id: &'a str,
    account_id: &'a AccountId,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InfoUser<'a> {
    name: Option<&'a str>,
    email: Option<&'a str>,
    image: Option<&'a str>,
    email_verified: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InfoAccount<'a> {
    id: &'a AccountId,
    provider_id: &'a str,
    account_id: &'a str,
}

#[derive(Serialize)]
struct Info<'a> {
    user: InfoUser<'a>,
    data: &'a serde_json::Value,
    account: InfoAccount<'a>,
}

pub(crate) async fn list_accounts(ctx: &mut Ctx<'_>) -> Outcome {
    let current = ctx.require_session().await?;
    let accounts = ctx.auth.list_accounts(&current.user.id).await?;
    let listed: Vec<Listed<'_>> = accounts
        .iter()
        .map(|a| Listed {
            account_id: &a.account_id,
            provider_id: &a.provider_id,
            user_id: &a.user_id,
            created_at: a.created_at,
            updated_at: a.updated_at,
            id: &a.id,
            scopes: a.scopes(),
        })
        .collect();
    Ok(Reply::json(&listed))
}

pub(crate) async fn unlink_account(ctx: &mut Ctx<'_>) -> Outcome {
    let mut fields = Fields::required(ctx.body.as_ref());
    let id = fields.string("accountId");
    fields.finish()?;
    let id = AccountId::new(id.unwrap_or_default());
    ctx.csrf(false)?;
    let current = ctx.require_session().await?;
    ctx.auth.unlink_account(&current, &id).await?;
    Ok(Reply::json(&Status::ok()))
}

/// `{accountId, userId?}` (strictly): the account row's id. With a session, `userId` is
/// ignored: a client acts on its own accounts only.
fn account_of_body(ctx: &Ctx<'_>) -> Result<AccountId, ProtocolError> {
    let fields = Fields::required(ctx.body.as_ref());
    let bad = || ProtocolError::Validation("[body] Invalid input".into());
    if fields.unknown_keys(&["accountId", "userId", "useAccountCookie"]) {
        return Err(bad());
    }
    let body = ctx.body.as_ref();
    match body.and_then(|b| b.get("accountId")) {
        Some(serde_json::Value::String(id)) => Ok(AccountId::new(id.clone())),
        _ => Err(bad()),
    }
}

pub(crate) async fn get_access_token(ctx: &mut Ctx<'_>) -> Outcome {
    let id = account_of_body(ctx)?;
    ctx.csrf(false)?;
    let current = ctx.require_session().await?;
    let account = ctx.auth.access_token(&current.user.id, &id).await?;
    Ok(Reply::json(&AccessToken {
        access_token: account.access_token.as_deref().unwrap_or_default(),
        access_token_expires_at: account.access_token_expires_at,
        scopes: account.scopes(),
        id_token: account.id_token.as_deref(),
    }))
}

pub(crate) async fn refresh_token(ctx: &mut Ctx<'_>) -> Outcome {
    let id = account_of_body(ctx)?;
    ctx.csrf(false)?;
    let current = ctx.require_session().await?;
    let account = ctx
        .auth
        .refresh_account_tokens(&current.user.id, &id)
        .await?;
    Ok(Reply::json(&refreshed(&account)))
}

fn refreshed(account: &Account) -> Refreshed<'_> {
    Refreshed {
        access_token: account.access_token.as_deref(),
        refresh_token: account.refresh_token.as_deref(),
        access_token_expires_at: account.access_token_expires_at,
        refresh_token_expires_at: account.refresh_token_expires_at,
        scope: account.scope.as_deref(),
        id_token: account.id_token.as_deref(),
        provider_id: &account.provider_id,
        account_id: &account.id,
    }
}

pub(crate) async fn account_info(ctx: &mut Ctx<'_>) -> Outcome {
    let Some(id) = ctx.query("accountId").filter(|id| !id.is_empty()) else {
        return Err(ProtocolError::Validation("[query] Invalid input".into()).into());
    };
    let current = ctx.require_session().await?;
    let (account, profile) = ctx
        .auth
        .account_info(&current.user.id, &AccountId::new(id))
        .await?;
    Ok(Reply::json(&Info {
        user: InfoUser {
            name: profile.name.as_deref(),
            email: profile.email.as_deref(),
            image: profile.image.as_deref(),
            email_verified: profile.email_verified,
        },
        data: &profile.raw,
        account: InfoAccount {
            id: &account.id,
            provider_id: &account.provider_id,
            account_id: &account.account_id,
        },
    }))
}
