//! `GET /token`: a JWT for the current session.

use serde_json::json;

use super::{Ctx, Outcome};
use crate::http::reply::Reply;

pub(crate) async fn token(ctx: &mut Ctx<'_>) -> Outcome {
    let current = ctx.require_session().await?;
    let jwt = ctx.auth.issue_token(&current)?;
    Ok(Reply::json(&json!({ "token": jwt.expose() })))
}
