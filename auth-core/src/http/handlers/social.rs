//! `POST /sign-in/social`, `POST /link-social`, `GET /callback/:provider` and the form-post
//! `POST /callback/:provider`.

use serde::Serialize;
use serde_json::Value;

use super::{Ctx, Outcome, two_factor};
use crate::flows::{IdTokenSignIn, SocialCallback, SocialRedirect, SocialStart};
use crate::http::cookies;
use crate::http::csrf;
use crate::http::error::ProtocolError;
use crate::http::reply::Reply;
use crate::http::request::client_info;
use crate::http::validate::Fields;
use crate::model::User;
use crate::social::state;

/// Query parameters a flow sets itself: a caller may not override them.
const RESERVED: [&str; 8] = [
    "state",
    "client_id",
    "redirect_uri",
    "response_type",
    "code_challenge",
    "code_challenge_method",
    "nonce",
    "scope",
];

/// How long the state cookie lives: as long as the state (Better Auth's dies at 5 minutes).
const STATE_COOKIE_MAX_AGE: u64 = 600;

#[derive(Serialize)]
struct Redirect<'a> {
    url: &'a str,
    redirect: bool,
}

#[derive(Serialize)]
struct IdTokenSignedIn<'a> {
    redirect: bool,
    token: &'a str,
    user: &'a User,
}

#[derive(Serialize)]
struct Linked {
    url: &'static str,
    status: bool,
    redirect: bool,
}

/// The body both routes take.
struct Start {
    start: SocialStart,
    disable_redirect: bool,
    id_token: Option<IdTokenSignIn>,
}

fn read_start(ctx: &Ctx<'_>, sign_in: bool) -> Result<Start, ProtocolError> {
    let mut fields = Fields::required(ctx.body.as_ref());
    // `provider` is "a known provider or any string": missing or not a string is the
    // union's bare message.
    let provider = match ctx.body.as_ref().and_then(|b| b.get("provider")) {
        Some(Value::String(p)) => Some(p.clone()),
        _ => {
            fields.invalid("provider", "Invalid input");
            None
        }
    };
    let callback = fields.opt_string("callbackURL");
    let error_callback = fields.opt_string("errorCallbackURL");
    let new_user_callback = if sign_in {
        fields.opt_string("newUserCallbackURL")
    } else {
        None
    };
    let disable_redirect = fields.opt_bool("disableRedirect").unwrap_or(false);
    let scopes = fields.opt_strings("scopes").unwrap_or_default();
    let login_hint = fields.opt_string("loginHint");
    let params = fields.opt_object("additionalParams");
    let data = fields.opt_object("additionalData");
    let request_sign_up = fields.opt_bool("requestSignUp").unwrap_or(false);
    let id_token = fields.opt_object("idToken");
    let mut extra = Vec::new();
    if let Some(params) = params {
        for (name, value) in params {
            match value {
                Value::String(v) => extra.push((name.clone(), v.clone())),
                other => extra.push((name.clone(), other.to_string())),
            }
        }
        if params.keys().any(|k| RESERVED.contains(&k.as_str())) {
            fields.invalid(
                "additionalParams",
                &format!(
                    "additionalParams cannot include reserved OAuth parameters: {}",
                    RESERVED.join(", ")
                ),
            );
        }
    }
    let id_token = match id_token {
        None => None,
        Some(object) => {
            let text = |key: &str| object.get(key).and_then(Value::as_str).map(str::to_owned);
            match text("token") {
                Some(token) => {
                    let mut input = IdTokenSignIn::new(token);
                    if let Some(nonce) = text("nonce") {
                        input = input.nonce(nonce);
                    }
                    if let Some(access) = text("accessToken") {
                        input = input.access_token(access);
                    }
                    if let Some(refresh) = text("refreshToken") {
                        input = input.refresh_token(refresh);
                    }
                    Some(input)
                }
                None => {
                    fields.invalid(
                        "idToken.token",
                        "Invalid input: expected string, received undefined",
                    );
                    None
                }
            }
        }
    };
    fields.finish()?;
    let mut start = SocialStart::new(provider.unwrap_or_default())
        .scopes(scopes)
        .additional_params(extra)
        .request_sign_up(request_sign_up);
    if let Some(data) = data {
        start = start.additional_data(data.clone());
    }
    if let Some(hint) = login_hint {
        start = start.login_hint(hint);
    }
    let config = ctx.auth.config();
    csrf::check_callback(config, callback.as_deref())?;
    csrf::check_callback(config, error_callback.as_deref())
        .map_err(|_| ProtocolError::InvalidErrorCallbackUrl)?;
    csrf::check_callback(config, new_user_callback.as_deref())
        .map_err(|_| ProtocolError::InvalidNewUserCallbackUrl)?;
    if let Some(url) = callback {
        start = start.callback_url(url);
    }
    if let Some(url) = error_callback {
        start = start.error_callback_url(url);
    }
    if let Some(url) = new_user_callback {
        start = start.new_user_callback_url(url);
    }
    Ok(Start {
        start,
        disable_redirect,
        id_token,
    })
}

/// `{url, redirect}`, the `Location` header when redirecting, and the signed state cookie.
fn redirect_reply(
    ctx: &Ctx<'_>,
    redirect: &SocialRedirect,
    disable: bool,
) -> Result<Reply, crate::error::AuthError> {
    let mut reply = Reply::json(&Redirect {
        url: &redirect.url,
        redirect: !disable,
    });
    if !disable {
        reply = reply.location(&redirect.url)?;
    }
    reply.set_signed_cookie(
        ctx.auth.config(),
        state::COOKIE,
        &redirect.state,
        Some(STATE_COOKIE_MAX_AGE),
    );
    Ok(reply)
}

pub(crate) async fn sign_in_social(ctx: &mut Ctx<'_>) -> Outcome {
    let input = read_start(ctx, true)?;
    ctx.csrf(false)?;
    if let Some(id_token) = input.id_token {
        let client = client_info(&ctx.parts.headers);
        let id_token = match two_factor::trusted_device(ctx) {
            Some(device) => id_token.trusted_device(device),
            None => id_token,
        };
        let config = ctx.auth.config();
        let done = match ctx
            .auth
            .sign_in_with_id_token(&input.start.provider, id_token, &client)
            .await
        {
            Ok(done) => done,
            Err(crate::error::AuthError::TwoFactorRequired(challenge)) => {
                return Ok(two_factor::challenge_reply(config, &challenge));
            }
            Err(error) => return Err(error.into()),
        };
        let signed = &done.signed_in;
        let mut reply = Reply::json(&IdTokenSignedIn {
            redirect: false,
            token: signed.session.token.expose(),
            user: &signed.user,
        });
        reply.set_session(config, &signed.session.token, true)?;
        two_factor::set_trusted_device(config, &mut reply, signed);
        return Ok(reply);
    }
    let redirect = ctx.auth.start_social_sign_in(input.start).await?;
    Ok(redirect_reply(ctx, &redirect, input.disable_redirect)?)
}

pub(crate) async fn link_social(ctx: &mut Ctx<'_>) -> Outcome {
    let input = read_start(ctx, false)?;
    ctx.csrf(false)?;
    let current = ctx.require_session().await?;
    if let Some(id_token) = input.id_token {
        ctx.auth
            .link_with_id_token(&current, &input.start.provider, id_token)
            .await?;
        return Ok(Reply::json(&Linked {
            url: "",
            status: true,
            redirect: false,
        }));
    }
    let redirect = ctx.auth.start_link_social(&current, input.start).await?;
    Ok(redirect_reply(ctx, &redirect, input.disable_redirect)?)
}

/// The provider id in `/callback/<id>`.
fn provider_id<'a>(ctx: &'a Ctx<'_>) -> &'a str {
    ctx.parts
        .uri
        .path()
        .rsplit_once("/callback/")
        .map(|(_, id)| id)
        .unwrap_or_default()
}

pub(crate) async fn callback(ctx: &mut Ctx<'_>) -> Outcome {
    let config = ctx.auth.config();
    let name = cookies::cookie_name(config, state::COOKIE);
    let sent = cookies::read(&ctx.parts.headers, &name);
    let cookie_state = sent
        .as_deref()
        .and_then(|signed| cookies::verify(config.secret().expose(), signed));
    let mut params = SocialCallback::new(
        ctx.query("state"),
        ctx.query("code"),
        ctx.query("error"),
        ctx.query("error_description"),
    );
    if let Some(device) = two_factor::trusted_device(ctx) {
        params = params.trusted_device(device);
    }
    let outcome = ctx
        .auth
        .finish_social(
            provider_id(ctx),
            params,
            cookie_state.as_deref(),
            &client_info(&ctx.parts.headers),
        )
        .await;
    let mut reply = Reply::redirect(&outcome.location)?;
    if outcome.state_used {
        reply.push_cookie(cookies::clear_cookie(config, &name));
    }
    if let Some(done) = &outcome.signed_in {
        reply.set_session(config, &done.signed_in.session.token, true)?;
        two_factor::set_trusted_device(config, &mut reply, &done.signed_in);
    }
    if let Some(challenge) = &outcome.two_factor {
        two_factor::set_challenge_cookies(config, &mut reply, challenge);
    }
    Ok(reply)
}

/// The form-post callback (`response_mode=form_post`): redirects to the GET callback with the
/// parameters, checking and consuming nothing. No Origin check: the provider's page posts it,
/// and nothing here changes state (Better Auth refuses it when the browser sends cookies).
pub(crate) async fn callback_post(ctx: &mut Ctx<'_>) -> Outcome {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for key in [
        "code",
        "error",
        "device_id",
        "error_description",
        "state",
        "user",
        "iss",
    ] {
        let value = ctx.query(key).or_else(|| {
            ctx.body
                .as_ref()
                .and_then(|b| b.get(key))
                .and_then(Value::as_str)
                .map(str::to_owned)
        });
        if let Some(value) = value {
            query.append_pair(key, &value);
        }
    }
    let config = ctx.auth.config();
    let url = format!(
        "{}{}/callback/{}?{}",
        config.origin(),
        config.base_path(),
        provider_id(ctx),
        query.finish()
    );
    Ok(Reply::redirect(&url)?)
}
