//! `POST /two-factor/*` (Better Auth's `twoFactor` plugin), and the challenge answer every
//! sign-in route gives a user with two-factor on.

use serde::Serialize;
use zeroize::Zeroizing;

use super::{Ctx, Outcome, Status, TokenAndUser};
use crate::config::AuthConfig;
use crate::error::AuthError;
use crate::flows::{
    SecondFactor, SignedIn, TwoFactorCaller, TwoFactorEnable, TwoFactorEnabled, TwoFactorVerified,
    TwoFactorVerify,
};
use crate::http::cookies::{SESSION_DATA, SESSION_TOKEN, TRUST_DEVICE, TWO_FACTOR};
use crate::http::error::ProtocolError;
use crate::http::reply::Reply;
use crate::http::request::{self, client_info};
use crate::http::validate::Fields;
use crate::model::{Password, User};
use crate::two_factor::{TwoFactorChallenge, TwoFactorMethod, TwoFactorRefusal};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Redirect<'a> {
    two_factor_redirect: bool,
    two_factor_methods: &'a [TwoFactorMethod],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TotpEnabled<'a> {
    method: &'static str,
    #[serde(rename = "totpURI")]
    totp_uri: &'a str,
    backup_codes: &'a [String],
}

#[derive(Serialize)]
struct OtpEnabled {
    method: &'static str,
}

#[derive(Serialize)]
struct TotpUri<'a> {
    #[serde(rename = "totpURI")]
    totp_uri: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BackupCodesReply<'a> {
    status: bool,
    backup_codes: &'a [String],
}

#[derive(Serialize)]
struct UserOnly<'a> {
    user: &'a User,
}

/// The answer to a sign-in that needs the second factor: `200 {"twoFactorRedirect":true,
/// "twoFactorMethods":[…]}` with the `two_factor` cookie, the session cookies cleared and no
/// session token anywhere (Better Auth's carries the deleted credential session's).
pub(crate) fn challenge_reply(config: &AuthConfig, challenge: &TwoFactorChallenge) -> Reply {
    let mut reply = Reply::json(&Redirect {
        two_factor_redirect: true,
        two_factor_methods: &challenge.methods,
    });
    set_challenge_cookies(config, &mut reply, challenge);
    reply
}

/// The challenge's cookies, on a JSON answer or a social callback's redirect.
pub(crate) fn set_challenge_cookies(
    config: &AuthConfig,
    reply: &mut Reply,
    challenge: &TwoFactorChallenge,
) {
    if !challenge.remember_me {
        // Read back when the challenge is met, so the session is a one-day one.
        reply.set_signed_cookie(config, crate::http::cookies::DONT_REMEMBER, "true", None);
    }
    if challenge.clear_trusted_device {
        reply.clear_cookie(config, TRUST_DEVICE);
    }
    reply.clear_cookie(config, SESSION_TOKEN);
    reply.clear_cookie(config, SESSION_DATA);
    let max_age = config
        .two_factor()
        .map(|options| options.challenge_lifetime().as_secs());
    reply.set_signed_cookie(config, TWO_FACTOR, &challenge.token, max_age);
}

/// Sets the rotated trust cookie of a sign-in that a trusted device let through.
pub(crate) fn set_trusted_device(config: &AuthConfig, reply: &mut Reply, signed: &SignedIn) {
    if let Some(device) = &signed.trusted_device {
        reply.set_signed_cookie(config, TRUST_DEVICE, device.expose(), trust_max_age(config));
    }
}

fn trust_max_age(config: &AuthConfig) -> Option<u64> {
    config
        .two_factor()
        .map(|options| options.trust_device_lifetime().as_secs())
}

/// The signed `trust_device` cookie, for the sign-in flows.
pub(crate) fn trusted_device(ctx: &Ctx<'_>) -> Option<String> {
    ctx.auth.config().two_factor()?;
    request::signed_cookie(&ctx.parts.headers, ctx.auth.config(), TRUST_DEVICE)
}

/// Reads `{password}` (the setup routes), checks CSRF, and finds the session.
async fn password_and_session(
    ctx: &Ctx<'_>,
    extra: &mut (dyn FnMut(&mut Fields<'_>) + Send),
) -> Result<(Password, crate::model::AuthSession), Reply> {
    let mut fields = Fields::required(ctx.body.as_ref());
    let password = fields.string("password");
    extra(&mut fields);
    fields.finish().map_err(Reply::from)?;
    let password =
        password.ok_or_else(|| Reply::from(ProtocolError::Validation("invalid body".into())))?;
    ctx.csrf(false).map_err(Reply::from)?;
    let current = ctx.require_session().await?;
    Ok((Password::new(password), current))
}

pub(crate) async fn enable(ctx: &mut Ctx<'_>) -> Outcome {
    let mut method = None;
    let mut issuer = None;
    let (password, current) = password_and_session(ctx, &mut |fields| {
        method = fields.opt_string("method");
        issuer = fields.opt_string("issuer");
        if method.as_deref().is_some_and(|m| m != "otp" && m != "totp") {
            fields.invalid("method", "Invalid option: expected one of \"otp\"|\"totp\"");
        }
    })
    .await?;
    let mut input = if method.as_deref() == Some("otp") {
        TwoFactorEnable::otp(password)
    } else {
        TwoFactorEnable::totp(password)
    };
    if let Some(issuer) = issuer.filter(|i| !i.is_empty()) {
        input = input.issuer(issuer);
    }
    let client = client_info(&ctx.parts.headers);
    let config = ctx.auth.config();
    match ctx.auth.enable_two_factor(&current, input, &client).await? {
        TwoFactorEnabled::Totp { uri, backup_codes } => Ok(Reply::json(&TotpEnabled {
            method: "totp",
            totp_uri: &uri,
            backup_codes: backup_codes.codes(),
        })
        .no_store()),
        TwoFactorEnabled::Otp { session } => {
            let mut reply = Reply::json(&OtpEnabled { method: "otp" });
            reply.set_session(config, &session.token, true)?;
            Ok(reply)
        }
    }
}

pub(crate) async fn get_totp_uri(ctx: &mut Ctx<'_>) -> Outcome {
    let (password, current) = password_and_session(ctx, &mut |_| {}).await?;
    let uri = ctx.auth.two_factor_uri(&current, &password).await?;
    Ok(Reply::json(&TotpUri { totp_uri: &uri }).no_store())
}

pub(crate) async fn generate_backup_codes(ctx: &mut Ctx<'_>) -> Outcome {
    let (password, current) = password_and_session(ctx, &mut |_| {}).await?;
    let codes = ctx
        .auth
        .regenerate_backup_codes(&current, &password)
        .await?;
    Ok(Reply::json(&BackupCodesReply {
        status: true,
        backup_codes: codes.codes(),
    })
    .no_store())
}

pub(crate) async fn disable(ctx: &mut Ctx<'_>) -> Outcome {
    let (password, current) = password_and_session(ctx, &mut |_| {}).await?;
    let config = ctx.auth.config();
    let trusted = request::signed_cookie(&ctx.parts.headers, config, TRUST_DEVICE);
    let client = client_info(&ctx.parts.headers);
    let session = ctx
        .auth
        .disable_two_factor(&current, &password, &client)
        .await?;
    let mut reply = Reply::json(&Status::ok());
    reply.set_session(config, &session.token, true)?;
    // Its record is gone with the others'; the cookie goes as Better Auth clears it.
    if trusted.is_some() {
        reply.clear_cookie(config, TRUST_DEVICE);
    }
    Ok(reply)
}

/// Which verify route.
#[derive(Clone, Copy)]
pub(crate) enum Factor {
    Totp,
    BackupCode,
    Otp,
}

pub(crate) async fn verify(ctx: &mut Ctx<'_>, factor: Factor) -> Outcome {
    let mut fields = Fields::required(ctx.body.as_ref());
    let code = fields.string("code");
    let trust_device = fields.opt_bool("trustDevice").unwrap_or(false);
    let disable_session = match factor {
        Factor::BackupCode => fields.opt_bool("disableSession").unwrap_or(false),
        _ => false,
    };
    fields.finish()?;
    let code =
        Zeroizing::new(code.ok_or_else(|| ProtocolError::Validation("invalid body".into()))?);
    ctx.csrf(false)?;
    let caller = caller(ctx).await?;
    let on_challenge = matches!(caller, TwoFactorCaller::Challenge { .. });
    let factor = match factor {
        Factor::Totp => SecondFactor::Totp(code),
        Factor::BackupCode => SecondFactor::BackupCode(code),
        Factor::Otp => SecondFactor::Otp(code),
    };
    let input = TwoFactorVerify::new(factor)
        .trust_device(trust_device)
        .disable_session(disable_session);
    let client = client_info(&ctx.parts.headers);
    let config = ctx.auth.config();
    match ctx.auth.verify_two_factor(caller, input, &client).await {
        Ok(verified) => Ok(verified_reply(config, &verified, on_challenge)?),
        Err(error) => {
            let ends_challenge = matches!(
                error,
                AuthError::TwoFactor(
                    TwoFactorRefusal::InvalidChallenge | TwoFactorRefusal::TooManyAttempts
                )
            );
            let mut reply = Reply::from(error);
            if on_challenge && ends_challenge {
                reply.clear_cookie(config, TWO_FACTOR);
            }
            Err(reply)
        }
    }
}

/// `on_challenge`: the answer ends a sign-in challenge, whose cookie goes (signed in, when the
/// first code of a new authenticator replaces the session, no challenge cookie is touched, as
/// Better Auth's answer touches none).
fn verified_reply(
    config: &AuthConfig,
    verified: &TwoFactorVerified,
    on_challenge: bool,
) -> Result<Reply, AuthError> {
    let Some(session) = &verified.session else {
        // A backup code spent without a session: the challenge is over.
        let mut reply = Reply::json(&UserOnly {
            user: &verified.user,
        });
        reply.clear_cookie(config, TWO_FACTOR);
        return Ok(reply);
    };
    let mut reply = Reply::json(&TokenAndUser {
        token: Some(session.token.expose()),
        user: &verified.user,
    });
    if verified.created {
        reply.set_session(config, &session.token, verified.remember_me)?;
        if on_challenge {
            reply.clear_cookie(config, TWO_FACTOR);
        }
    }
    if let Some(device) = &verified.trusted_device {
        reply.set_signed_cookie(config, TRUST_DEVICE, device.expose(), trust_max_age(config));
    }
    Ok(reply)
}

pub(crate) async fn send_otp(ctx: &mut Ctx<'_>) -> Outcome {
    let mut fields = Fields::optional(ctx.body.as_ref());
    let _trust_device = fields.opt_bool("trustDevice");
    fields.finish()?;
    ctx.csrf(false)?;
    let caller = caller(ctx).await?;
    ctx.auth.send_two_factor_otp(caller).await?;
    Ok(Reply::json(&Status::ok()))
}

/// The session if the request has one (it wins), else the challenge cookie, else 401
/// `INVALID_TWO_FACTOR_COOKIE`.
async fn caller(ctx: &Ctx<'_>) -> Result<TwoFactorCaller, Reply> {
    if let Some(current) = ctx.optional_session().await? {
        return Ok(TwoFactorCaller::Session(Box::new(current)));
    }
    let config = ctx.auth.config();
    match request::signed_cookie(&ctx.parts.headers, config, TWO_FACTOR) {
        Some(token) => Ok(TwoFactorCaller::Challenge {
            token,
            remember_me: !request::dont_remember(&ctx.parts.headers, config),
        }),
        None => Err(AuthError::from(TwoFactorRefusal::InvalidChallenge).into()),
    }
}
