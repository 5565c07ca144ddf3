//! Path and method to route, with Better Auth's 404 and 405 rules.

use http::Method;

/// The routes of Better Auth's email/password API (with the jwt and bearer plugins).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    SignUpEmail,
    SignInEmail,
    SignOut,
    GetSession,
    Token,
    Jwks,
    ListSessions,
    RevokeSession,
    RevokeSessions,
    RevokeOtherSessions,
    ChangePassword,
    UpdateUser,
    Ok,
    SendVerificationEmail,
    VerifyEmail,
    RequestPasswordReset,
    /// `GET /reset-password/:token`: the handler reads the token from the path.
    ResetPasswordLink,
    ResetPassword,
    /// Better Auth's error page, where a reset link without a callback URL lands.
    Error,
    ChangeEmail,
    DeleteUser,
    DeleteUserCallback,
    SignInSocial,
    LinkSocial,
    /// `GET /callback/:provider`: the handler reads the provider id from the path.
    Callback,
    /// `POST /callback/:provider` (`response_mode=form_post`).
    CallbackPost,
    ListAccounts,
    UnlinkAccount,
    GetAccessToken,
    RefreshToken,
    AccountInfo,
    TwoFactorEnable,
    TwoFactorGetTotpUri,
    TwoFactorVerifyTotp,
    TwoFactorVerifyBackupCode,
    TwoFactorGenerateBackupCodes,
    TwoFactorSendOtp,
    TwoFactorVerifyOtp,
    TwoFactorDisable,
}

/// What the router decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Routing {
    Found(Route),
    /// `POST /get-session`: Better Auth answers 405 with its own JSON error.
    GetSessionPost,
    /// Outside the base path, an unknown path, a wrong method, `//`, a trailing-slash mismatch:
    /// 404 with an empty body, as Better Auth answers.
    NotFound,
}

impl Route {
    /// Whether it is one of the `twoFactor` plugin's routes.
    pub(crate) fn is_two_factor(self) -> bool {
        matches!(
            self,
            Self::TwoFactorEnable
                | Self::TwoFactorGetTotpUri
                | Self::TwoFactorVerifyTotp
                | Self::TwoFactorVerifyBackupCode
                | Self::TwoFactorGenerateBackupCodes
                | Self::TwoFactorSendOtp
                | Self::TwoFactorVerifyOtp
                | Self::TwoFactorDisable
        )
    }

    /// Whether the body may be `application/x-www-form-urlencoded` besides JSON.
    pub(crate) fn accepts_form(self) -> bool {
        matches!(
            self,
            Self::SignUpEmail | Self::SignInEmail | Self::CallbackPost
        )
    }
}

pub(crate) fn route(method: &Method, path: &str, base_path: &str) -> Routing {
    let Some(rest) = path.strip_prefix(base_path) else {
        return Routing::NotFound;
    };
    if !rest.starts_with('/') || rest.contains("//") {
        return Routing::NotFound;
    }
    let get = method == Method::GET;
    let post = method == Method::POST;
    let found = match rest {
        "/sign-up/email" if post => Route::SignUpEmail,
        "/sign-in/email" if post => Route::SignInEmail,
        "/sign-out" if post => Route::SignOut,
        "/get-session" if get => Route::GetSession,
        "/get-session" if post => return Routing::GetSessionPost,
        "/token" if get => Route::Token,
        "/jwks" if get => Route::Jwks,
        "/list-sessions" if get => Route::ListSessions,
        "/revoke-session" if post => Route::RevokeSession,
        "/revoke-sessions" if post => Route::RevokeSessions,
        "/revoke-other-sessions" if post => Route::RevokeOtherSessions,
        "/change-password" if post => Route::ChangePassword,
        "/update-user" if post => Route::UpdateUser,
        "/ok" if get => Route::Ok,
        "/send-verification-email" if post => Route::SendVerificationEmail,
        "/verify-email" if get => Route::VerifyEmail,
        "/request-password-reset" if post => Route::RequestPasswordReset,
        "/reset-password" if post => Route::ResetPassword,
        "/error" if get => Route::Error,
        "/change-email" if post => Route::ChangeEmail,
        "/delete-user" if post => Route::DeleteUser,
        "/delete-user/callback" if get => Route::DeleteUserCallback,
        "/sign-in/social" if post => Route::SignInSocial,
        "/link-social" if post => Route::LinkSocial,
        "/list-accounts" if get => Route::ListAccounts,
        "/unlink-account" if post => Route::UnlinkAccount,
        "/get-access-token" if post => Route::GetAccessToken,
        "/refresh-token" if post => Route::RefreshToken,
        "/account-info" if get => Route::AccountInfo,
        "/two-factor/enable" if post => Route::TwoFactorEnable,
        "/two-factor/get-totp-uri" if post => Route::TwoFactorGetTotpUri,
        "/two-factor/verify-totp" if post => Route::TwoFactorVerifyTotp,
        "/two-factor/verify-backup-code" if post => Route::TwoFactorVerifyBackupCode,
        "/two-factor/generate-backup-codes" if post => Route::TwoFactorGenerateBackupCodes,
        "/two-factor/send-otp" if post => Route::TwoFactorSendOtp,
        "/two-factor/verify-otp" if post => Route::TwoFactorVerifyOtp,
        "/two-factor/disable" if post => Route::TwoFactorDisable,
        callback
            if (get || post)
                && callback
                    .strip_prefix("/callback/")
                    .is_some_and(|id| !id.is_empty() && !id.contains('/')) =>
        {
            if get {
                Route::Callback
            } else {
                Route::CallbackPost
            }
        }
        link if get
            && link
                .strip_prefix("/reset-password/")
                .is_some_and(|token| !token.is_empty() && !token.contains('/')) =>
        {
            Route::ResetPasswordLink
        }
        _ => return Routing::NotFound,
    };
    Routing::Found(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_like_better_auth() {
        let r = |m: Method, p: &str| route(&m, p, "/api/auth");
        assert_eq!(
            r(Method::POST, "/api/auth/sign-up/email"),
            Routing::Found(Route::SignUpEmail)
        );
        assert_eq!(
            r(Method::GET, "/api/auth/get-session"),
            Routing::Found(Route::GetSession)
        );
        assert_eq!(
            r(Method::POST, "/api/auth/get-session"),
            Routing::GetSessionPost
        );
        assert_eq!(
            r(Method::GET, "/api/auth/reset-password/abc123"),
            Routing::Found(Route::ResetPasswordLink)
        );
        assert_eq!(
            r(Method::POST, "/api/auth/reset-password"),
            Routing::Found(Route::ResetPassword)
        );
        for (method, path) in [
            (Method::GET, "/api/auth/sign-in/email"),
            (Method::OPTIONS, "/api/auth/sign-in/email"),
            (Method::GET, "/api/auth/does-not-exist"),
            (Method::GET, "/api/auth/get-session/"),
            (Method::GET, "/api/auth//get-session"),
            (Method::GET, "/api/authget-session"),
            (Method::GET, "/api/auth"),
            (Method::GET, "/other/get-session"),
            (Method::GET, "/api/auth/reset-password/"),
            (Method::GET, "/api/auth/reset-password/a/b"),
            (Method::POST, "/api/auth/forget-password"),
            (Method::GET, "/api/auth/delete-user"),
        ] {
            assert_eq!(
                r(method.clone(), path),
                Routing::NotFound,
                "{method} {path}"
            );
        }
    }
}
