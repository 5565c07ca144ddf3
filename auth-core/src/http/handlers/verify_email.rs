//! `POST /send-verification-email` and `GET /verify-email`.

use serde::Serialize;

use super::{Ctx, Outcome, Status};
use crate::error::AuthError;
use crate::http::csrf;
use crate::http::error::ProtocolError;
use crate::http::reply::Reply;
use crate::http::request::{self, client_info};
use crate::http::validate::Fields;
use crate::model::{Email, User};

/// `{"status":true,"user":…}`: `null` for a plain verification, the user after a change.
#[derive(Serialize)]
struct Verified<'a> {
    status: bool,
    user: Option<&'a User>,
}

/// A body's `email` field, with zod's message for a malformed one.
pub(super) fn email_field(fields: &mut Fields<'_>, key: &str) -> Option<Email> {
    match fields.string(key).as_deref().map(Email::parse) {
        Some(Ok(email)) => Some(email),
        Some(Err(_)) => {
            fields.invalid(key, "Invalid email address");
            None
        }
        None => None,
    }
}

/// A required query parameter, or zod's message for a missing one.
pub(super) fn required_query(ctx: &Ctx<'_>, name: &str) -> Result<String, ProtocolError> {
    ctx.query(name).ok_or_else(|| {
        ProtocolError::Validation(format!(
            "[query.{name}] Invalid input: expected string, received undefined"
        ))
    })
}

/// `url` with `error=<code>` added to its query (before any fragment), as Better Auth
/// redirects a failed link.
pub(super) fn with_error(url: &str, code: &str) -> String {
    let (base, fragment) = match url.find('#') {
        Some(at) => url.split_at(at),
        None => (url, ""),
    };
    let separator = if base.contains('?') { '&' } else { '?' };
    format!("{base}{separator}error={code}{fragment}")
}

pub(crate) async fn send_verification_email(ctx: &mut Ctx<'_>) -> Outcome {
    let mut fields = Fields::required(ctx.body.as_ref());
    let email = email_field(&mut fields, "email");
    let callback = fields.opt_string("callbackURL");
    fields.finish()?;
    let Some(email) = email else {
        return Err(ProtocolError::Validation("invalid body".into()).into());
    };
    ctx.csrf(false)?;
    csrf::check_callback(ctx.auth.config(), callback.as_deref())?;
    let current = ctx.optional_session().await?;
    ctx.auth
        .send_verification_email(&email, callback.as_deref(), current.as_ref())
        .await?;
    Ok(Reply::json(&Status::ok()))
}

pub(crate) async fn verify_email(ctx: &mut Ctx<'_>) -> Outcome {
    let token = required_query(ctx, "token")?;
    let callback = ctx.query("callbackURL");
    let config = ctx.auth.config();
    csrf::check_callback(config, callback.as_deref())?;
    let current = ctx.optional_session().await?;
    let client = client_info(&ctx.parts.headers);
    let done = match ctx
        .auth
        .verify_email(&token, callback.as_deref(), current.as_ref(), &client)
        .await
    {
        Ok(done) => done,
        Err(AuthError::EmailLink(reason)) if callback.is_some() => {
            let url = callback.as_deref().unwrap_or_default();
            return Ok(Reply::redirect(&with_error(url, reason.code()))?);
        }
        Err(error) => return Err(error.into()),
    };
    let mut reply = match &callback {
        Some(url) => Reply::redirect(url)?,
        None => Reply::json(&Verified {
            status: true,
            user: done.user.as_ref(),
        }),
    };
    if let Some(session) = &done.new_session {
        reply.set_session(config, &session.token, true)?;
    } else if done.refresh_current
        && let Some(current) = &current
    {
        let remember = !request::dont_remember(&ctx.parts.headers, config);
        reply.set_session(config, &current.session.token, remember)?;
    }
    Ok(reply)
}

#[cfg(test)]
mod tests {
    use super::with_error;

    #[test]
    fn the_error_goes_into_the_query_before_the_fragment() {
        assert_eq!(
            with_error("/verified", "INVALID_TOKEN"),
            "/verified?error=INVALID_TOKEN"
        );
        assert_eq!(
            with_error("/verified?from=mail#top", "TOKEN_EXPIRED"),
            "/verified?from=mail&error=TOKEN_EXPIRED#top"
        );
    }
}
