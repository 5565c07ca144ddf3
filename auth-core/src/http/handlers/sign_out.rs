//! `POST /sign-out`.

use serde_json::json;

use super::{Ctx, Outcome};
use crate::http::reply::Reply;
use crate::http::validate::Fields;

pub(crate) async fn sign_out(ctx: &mut Ctx<'_>) -> Outcome {
    let mut fields = Fields::optional(ctx.body.as_ref());
    fields.opt_string("callbackURL");
    fields.finish()?;
    ctx.csrf(false)?;
    if let Some(token) = ctx.session_token() {
        ctx.auth.sign_out(&token).await?;
    }
    let mut reply = Reply::json(&json!({ "success": true }));
    reply.clear_session(ctx.auth.config());
    Ok(reply)
}
