//! `POST /sign-up/email`.

use super::{Ctx, Outcome, TokenAndUser};
use crate::flows::SignUp;
use crate::http::csrf;
use crate::http::error::ProtocolError;
use crate::http::reply::Reply;
use crate::http::request::client_info;
use crate::http::validate::Fields;
use crate::model::{Email, Password};

pub(crate) async fn sign_up(ctx: &mut Ctx<'_>) -> Outcome {
    let mut fields = Fields::required(ctx.body.as_ref());
    let name = fields.string("name");
    let email = fields.string("email");
    let email = match email.as_deref().map(Email::parse) {
        Some(Ok(email)) => Some(email),
        Some(Err(_)) => {
            fields.invalid("email", "Invalid email address");
            None
        }
        None => None,
    };
    let password = fields.string("password");
    let image = fields.opt_string("image");
    fields.plain_text("name", name.as_deref());
    fields.plain_text("image", image.as_deref());
    let callback = fields.opt_string("callbackURL");
    let remember_me = fields.opt_bool("rememberMe").unwrap_or(true);
    fields.finish()?;
    let (Some(name), Some(email), Some(password)) = (name, email, password) else {
        return Err(ProtocolError::Validation("invalid body".into()).into());
    };
    ctx.csrf(true)?;
    csrf::check_callback(ctx.auth.config(), callback.as_deref())?;
    ctx.auth
        .limit_by_account("/sign-up/email", &format!("email:{}", email.as_str()))
        .await?;

    let mut input = SignUp::new(name, email, Password::new(password)).remember_me(remember_me);
    if let Some(image) = image {
        input = input.image(image);
    }
    let signed = ctx
        .auth
        .sign_up(input, &client_info(&ctx.parts.headers))
        .await?;
    let mut reply = Reply::json(&TokenAndUser {
        token: Some(signed.session.token.expose()),
        user: &signed.user,
    });
    reply.set_session(ctx.auth.config(), &signed.session.token, signed.remember_me)?;
    Ok(reply)
}
