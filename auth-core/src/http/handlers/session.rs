//! `GET /get-session`, `GET /list-sessions`, `POST /revoke-session`, `POST /revoke-sessions`,
//! `POST /revoke-other-sessions`.

use serde_json::{Value, json};

use super::{Ctx, Outcome};
use crate::http::error::ProtocolError;
use crate::http::reply::Reply;
use crate::http::request;
use crate::http::validate::Fields;
use crate::model::SessionToken;

fn query_flag(ctx: &Ctx<'_>, name: &str) -> bool {
    ctx.parts.uri.query().is_some_and(|query| {
        form_urlencoded::parse(query.as_bytes())
            .any(|(k, v)| k == name && (v == "true" || v == "1"))
    })
}

/// `200 {session, user}` or `200 null` (never 401, as Better Auth), with `set-auth-jwt`; a
/// session due for it slides forward and its cookie is sent again.
pub(crate) async fn get_session(ctx: &mut Ctx<'_>) -> Outcome {
    let config = ctx.auth.config();
    let Some(token) = ctx.session_token() else {
        return Ok(Reply::json(&Value::Null).no_store());
    };
    let refresh =
        !request::dont_remember(&ctx.parts.headers, config) && !query_flag(ctx, "disableRefresh");
    let Some(found) = ctx
        .auth
        .get_session(&token, refresh)
        .await
        .map_err(|e| Reply::from(e).no_store())?
    else {
        let mut reply = Reply::json(&Value::Null).no_store();
        reply.clear_session(config);
        return Ok(reply);
    };
    let jwt = ctx.auth.session_jwt(&found.current)?;
    let mut reply = Reply::json(&found.current).no_store();
    reply.set_jwt(jwt.expose())?;
    if found.refreshed {
        reply.set_session(config, &token, true)?;
    }
    Ok(reply)
}

pub(crate) async fn list_sessions(ctx: &mut Ctx<'_>) -> Outcome {
    let current = ctx.require_session().await?;
    let sessions = ctx.auth.list_sessions(&current).await?;
    Ok(Reply::json(&sessions))
}

pub(crate) async fn revoke_session(ctx: &mut Ctx<'_>) -> Outcome {
    let mut fields = Fields::required(ctx.body.as_ref());
    let token = fields.string("token");
    fields.finish()?;
    let token = token.ok_or_else(|| ProtocolError::Validation("[body.token] Required".into()))?;
    ctx.csrf(false)?;
    let current = ctx.require_session().await?;
    ctx.auth
        .revoke_session(&current, &SessionToken::new(token))
        .await?;
    Ok(Reply::json(&json!({ "status": true })))
}

pub(crate) async fn revoke_sessions(ctx: &mut Ctx<'_>) -> Outcome {
    Fields::optional(ctx.body.as_ref()).finish()?;
    ctx.csrf(false)?;
    let current = ctx.require_session().await?;
    ctx.auth.revoke_sessions(&current).await?;
    Ok(Reply::json(&json!({ "status": true })))
}

pub(crate) async fn revoke_other_sessions(ctx: &mut Ctx<'_>) -> Outcome {
    Fields::optional(ctx.body.as_ref()).finish()?;
    ctx.csrf(false)?;
    let current = ctx.require_session().await?;
    ctx.auth.revoke_other_sessions(&current).await?;
    Ok(Reply::json(&json!({ "status": true })))
}
