//! The domain: users, sessions, credential accounts, verification rows, second factors, and the validated values they are made of.

mod account;
mod email;
mod id;
mod password;
mod session;
mod timestamp;
mod two_factor;
mod user;
mod verification;

pub use account::{Account, CredentialAccount, Unlinked, UserWithCredential};
pub use email::{Email, InvalidEmail};
pub(crate) use id::random_id;
pub use id::{AccountId, SessionId, SessionToken, UserId};
pub use password::{Password, PasswordPolicy, PasswordPolicyError};
pub use session::{AuthSession, ClientInfo, Session};
pub use timestamp::Timestamp;
pub use two_factor::{TwoFactor, TwoFactorState};
pub use user::{User, UserUpdate};
pub use verification::Verification;
