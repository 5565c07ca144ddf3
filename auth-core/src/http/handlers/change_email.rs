//! `POST /change-email`.

use super::verify_email::email_field;
use super::{Ctx, Outcome, Status};
use crate::http::csrf;
use crate::http::error::ProtocolError;
use crate::http::reply::Reply;
use crate::http::validate::Fields;

pub(crate) async fn change_email(ctx: &mut Ctx<'_>) -> Outcome {
    let mut fields = Fields::required(ctx.body.as_ref());
    let new_email = email_field(&mut fields, "newEmail");
    let callback = fields.opt_string("callbackURL");
    fields.finish()?;
    let Some(new_email) = new_email else {
        return Err(ProtocolError::Validation("invalid body".into()).into());
    };
    ctx.csrf(false)?;
    csrf::check_callback(ctx.auth.config(), callback.as_deref())?;
    let current = ctx.require_session().await?;
    ctx.auth
        .change_email(&current, &new_email, callback.as_deref())
        .await?;
    Ok(Reply::json(&Status::ok()))
}
