//! `POST /sign-in/email`.

use serde::Serialize;

use super::{Ctx, Outcome, two_factor};
use crate::error::AuthError;
use crate::flows::SignIn;
use crate::http::csrf;
use crate::http::error::ProtocolError;
use crate::http::reply::Reply;
use crate::http::request::client_info;
use crate::http::validate::Fields;
use crate::model::{Email, Password, User};

#[derive(Serialize)]
struct SignedIn<'a> {
    redirect: bool,
    token: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    user: &'a User,
}

pub(crate) async fn sign_in(ctx: &mut Ctx<'_>) -> Outcome {
    let mut fields = Fields::required(ctx.body.as_ref());
    let email = fields.string("email");
    let password = fields.string("password");
    let callback = fields.opt_string("callbackURL");
    let remember_me = fields.opt_bool("rememberMe").unwrap_or(true);
    fields.finish()?;
    let (Some(email), Some(password)) = (email, password) else {
        return Err(ProtocolError::Validation("invalid body".into()).into());
    };
    ctx.csrf(true)?;
    csrf::check_callback(ctx.auth.config(), callback.as_deref())?;
    // Unlike sign-up, Better Auth reports a malformed address here as INVALID_EMAIL.
    let email = Email::parse(&email).map_err(|_| ProtocolError::InvalidEmail)?;
    ctx.auth
        .limit_by_account("/sign-in/email", &format!("email:{}", email.as_str()))
        .await?;

    let mut input = SignIn::new(email, Password::new(password)).remember_me(remember_me);
    if let Some(callback) = &callback {
        input = input.callback_url(callback.clone());
    }
    if let Some(device) = two_factor::trusted_device(ctx) {
        input = input.trusted_device(device);
    }
    let config = ctx.auth.config();
    let signed = match ctx
        .auth
        .sign_in(input, &client_info(&ctx.parts.headers))
        .await
    {
        Ok(signed) => signed,
        Err(AuthError::TwoFactorRequired(challenge)) => {
            return Ok(two_factor::challenge_reply(config, &challenge));
        }
        Err(error) => return Err(error.into()),
    };
    let body = SignedIn {
        redirect: callback.is_some(),
        token: signed.session.token.expose(),
        url: callback.as_deref(),
        user: &signed.user,
    };
    let mut reply = Reply::json(&body);
    if let Some(url) = &callback {
        reply = reply.location(url)?;
    }
    reply.set_session(config, &signed.session.token, signed.remember_me)?;
    two_factor::set_trusted_device(config, &mut reply, &signed);
    Ok(reply)
}
