//! `POST /sign-up/email`.

use super::{Ctx, Outcome, TokenAndUser};
use crate::error::AuthError;
use crate::flows::SignUp;
use crate::http::csrf;
use crate::http::error::ProtocolError;
use crate::http::reply::Reply;
use crate::http::request::client_info;
use crate::http::validate::Fields;
use crate::model::{Email, Password, User, UserId};

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

    let mut input =
        SignUp::new(name.clone(), email.clone(), Password::new(password)).remember_me(remember_me);
    if let Some(image) = &image {
        input = input.image(image.clone());
    }
    if let Some(callback) = callback {
        input = input.callback_url(callback);
    }
    let hide_duplicates = ctx.auth.config().email_flows().requires_verification();
    let signed = match ctx
        .auth
        .sign_up(input, &client_info(&ctx.parts.headers))
        .await
    {
        Ok(signed) => signed,
        // With verification required, a taken address answers like a new one (no session
        // either way), so sign-up does not tell who has an account. Nothing is stored.
        Err(AuthError::UserAlreadyExists) if hide_duplicates => {
            let mut decoy = User::new(
                UserId::generate(),
                name,
                email.into_string(),
                ctx.auth.now(),
            );
            decoy.image = image;
            ctx.auth.present(&mut decoy);
            return Ok(Reply::json(&TokenAndUser {
                token: None,
                user: &decoy,
            }));
        }
        Err(error) => return Err(error.into()),
    };
    let mut reply = Reply::json(&TokenAndUser {
        token: signed.session.as_ref().map(|s| s.token.expose()),
        user: &signed.user,
    });
    if let Some(session) = &signed.session {
        reply.set_session(ctx.auth.config(), &session.token, signed.remember_me)?;
    }
    Ok(reply)
}
