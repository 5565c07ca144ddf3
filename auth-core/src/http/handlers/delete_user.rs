//! `POST /delete-user` and `GET /delete-user/callback`.

use super::verify_email::required_query;
use super::{Ctx, Outcome, Success};
use crate::flows::{DeleteUser, UserDeletion};
use crate::http::csrf;
use crate::http::reply::Reply;
use crate::http::validate::Fields;
use crate::model::Password;

/// The answer to a deletion: the body, and the session cookies expired.
fn deleted(ctx: &Ctx<'_>) -> Reply {
    let mut reply = Reply::json(&Success {
        success: true,
        message: "User deleted",
    });
    reply.clear_session(ctx.auth.config());
    reply
}

pub(crate) async fn delete_user(ctx: &mut Ctx<'_>) -> Outcome {
    let mut fields = Fields::optional(ctx.body.as_ref());
    let callback = fields.opt_string("callbackURL");
    let password = fields.opt_string("password");
    let token = fields.opt_string("token");
    fields.finish()?;
    ctx.csrf(false)?;
    csrf::check_callback(ctx.auth.config(), callback.as_deref())?;
    let current = ctx.require_session().await?;
    let mut input = DeleteUser::new();
    if let Some(password) = password {
        input = input.password(Password::new(password));
    }
    if let Some(token) = token {
        input = input.token(token);
    }
    if let Some(callback) = callback {
        input = input.callback_url(callback);
    }
    match ctx.auth.delete_user(&current, input).await? {
        UserDeletion::LinkSent => Ok(Reply::json(&Success {
            success: true,
            message: "Verification email sent",
        })),
        // `Deleted`, and any outcome added later.
        _ => Ok(deleted(ctx)),
    }
}

pub(crate) async fn delete_user_callback(ctx: &mut Ctx<'_>) -> Outcome {
    let token = required_query(ctx, "token")?;
    let callback = ctx.query("callbackURL");
    csrf::check_callback(ctx.auth.config(), callback.as_deref())?;
    let current = ctx.optional_session().await?;
    ctx.auth
        .delete_user_by_link(current.as_ref(), &token)
        .await?;
    let mut reply = match &callback {
        Some(url) => Reply::redirect(url)?,
        None => return Ok(deleted(ctx)),
    };
    reply.clear_session(ctx.auth.config());
    Ok(reply)
}
