//! `POST /request-password-reset`, `GET /reset-password/:token`, `POST /reset-password`, and
//! the error page a link without a callback URL lands on.

use bytes::Bytes;
use http::StatusCode;

use super::verify_email::{email_field, required_query};
use super::{Ctx, Outcome, Status};
use crate::error::AuthError;
use crate::http::csrf;
use crate::http::error::ProtocolError;
use crate::http::reply::Reply;
use crate::http::validate::Fields;
use crate::model::Password;

const SENT: &str = "If this email exists in our system, check your email for the reset link";

pub(crate) async fn request_password_reset(ctx: &mut Ctx<'_>) -> Outcome {
    let mut fields = Fields::required(ctx.body.as_ref());
    let email = email_field(&mut fields, "email");
    let redirect_to = fields.opt_string("redirectTo");
    fields.finish()?;
    let Some(email) = email else {
        return Err(ProtocolError::Validation("invalid body".into()).into());
    };
    ctx.csrf(false)?;
    csrf::check_callback(ctx.auth.config(), redirect_to.as_deref())
        .map_err(|_| ProtocolError::InvalidRedirectUrl)?;
    ctx.auth
        .request_password_reset(&email, redirect_to.as_deref())
        .await?;
    Ok(Reply::json(&Status {
        status: true,
        message: Some(SENT),
    }))
}

/// `callback` resolved against the base URL, with `name=value` set in its query (replacing
/// any such parameter), as `URL.searchParams.set` writes it.
fn absolute_with(ctx: &Ctx<'_>, callback: &str, name: &str, value: &str) -> String {
    let absolute = if callback.starts_with('/') {
        format!("{}{callback}", ctx.auth.config().origin())
    } else {
        callback.to_owned()
    };
    let (rest, fragment) = match absolute.find('#') {
        Some(at) => absolute.split_at(at),
        None => (absolute.as_str(), ""),
    };
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (key, existing) in form_urlencoded::parse(query.as_bytes()) {
        if key != name {
            out.append_pair(&key, &existing);
        }
    }
    out.append_pair(name, value);
    format!("{path}?{}{fragment}", out.finish())
}

pub(crate) async fn reset_password_link(ctx: &mut Ctx<'_>) -> Outcome {
    let token = ctx
        .parts
        .uri
        .path()
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    let callback = required_query(ctx, "callbackURL")?;
    let config = ctx.auth.config();
    if callback.is_empty() {
        // Better Auth mails an empty callbackURL when the request named no redirectTo: such a
        // link can only end on the error page.
        let url = ctx.auth.api_url("/error?error=INVALID_TOKEN");
        return Ok(Reply::redirect(&url)?);
    }
    csrf::check_callback(config, Some(&callback))?;
    let url = if ctx.auth.check_reset_token(&token).await? {
        absolute_with(ctx, &callback, "token", &token)
    } else {
        absolute_with(ctx, &callback, "error", "INVALID_TOKEN")
    };
    Ok(Reply::redirect(&url)?)
}

pub(crate) async fn reset_password(ctx: &mut Ctx<'_>) -> Outcome {
    let mut fields = Fields::required(ctx.body.as_ref());
    let new_password = fields.string("newPassword");
    let token = fields.opt_string("token");
    fields.finish()?;
    let Some(new_password) = new_password else {
        return Err(ProtocolError::Validation("invalid body".into()).into());
    };
    ctx.csrf(false)?;
    let Some(token) = token.or_else(|| ctx.query("token")) else {
        return Err(AuthError::InvalidResetToken.into());
    };
    ctx.auth
        .reset_password(&token, &Password::new(new_password))
        .await?;
    Ok(Reply::json(&Status::ok()))
}

/// A plain page that names the error code (Better Auth's `GET /error`).
pub(crate) fn error_page(ctx: &Ctx<'_>) -> Reply {
    let code: String = ctx
        .query("error")
        .unwrap_or_else(|| "UNKNOWN".into())
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .take(64)
        .collect();
    let page = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Error</title></head>\
         <body><h1>Something went wrong</h1><p>Error code: <code>{code}</code></p></body></html>"
    );
    Reply::html(StatusCode::OK, Bytes::from(page))
}
