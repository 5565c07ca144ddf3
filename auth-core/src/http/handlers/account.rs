//! `POST /change-password` and `POST /update-user`.

use serde_json::{Value, json};

use super::{Ctx, Outcome, TokenAndUser};
use crate::flows::ChangePassword;
use crate::http::error::ProtocolError;
use crate::http::reply::Reply;
use crate::http::request::client_info;
use crate::http::validate::Fields;
use crate::model::{Password, UserUpdate};

pub(crate) async fn change_password(ctx: &mut Ctx<'_>) -> Outcome {
    let mut fields = Fields::required(ctx.body.as_ref());
    let new_password = fields.string("newPassword");
    let current_password = fields.string("currentPassword");
    let revoke = fields.opt_bool("revokeOtherSessions").unwrap_or(false);
    fields.finish()?;
    let (Some(new_password), Some(current_password)) = (new_password, current_password) else {
        return Err(ProtocolError::Validation("invalid body".into()).into());
    };
    ctx.csrf(false)?;
    let current = ctx.require_session().await?;
    ctx.auth
        .limit_by_account("/change-password", &format!("user:{}", current.user.id))
        .await?;
    let input = ChangePassword::new(Password::new(current_password), Password::new(new_password))
        .revoke_other_sessions(revoke);
    let changed = ctx
        .auth
        .change_password(&current, input, &client_info(&ctx.parts.headers))
        .await?;
    let token = changed.new_session.as_ref().map(|s| &s.token);
    let mut reply = Reply::json(&TokenAndUser {
        token: token.map(|t| t.expose()),
        user: &changed.user,
    });
    if let Some(token) = token {
        reply.set_session(ctx.auth.config(), token, true)?;
    }
    Ok(reply)
}

pub(crate) async fn update_user(ctx: &mut Ctx<'_>) -> Outcome {
    if !matches!(ctx.body, Some(Value::Object(_))) {
        return Err(ProtocolError::BodyMustBeAnObject.into());
    }
    let mut fields = Fields::required(ctx.body.as_ref());
    let has_email = fields.has("email");
    let name = fields.opt_string("name");
    let image = fields.nullable_string("image");
    fields.plain_text("name", name.as_deref());
    fields.plain_text("image", image.as_ref().and_then(Option::as_deref));
    fields.finish()?;
    ctx.csrf(false)?;
    if has_email {
        return Err(ProtocolError::EmailCanNotBeUpdated.into());
    }
    let current = ctx.require_session().await?;
    ctx.auth
        .update_user(&current, UserUpdate { name, image })
        .await?;
    Ok(Reply::json(&json!({ "status": true })))
}
