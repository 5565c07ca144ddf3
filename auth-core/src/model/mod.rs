//! The domain: users, sessions, credential accounts, and the validated values they are made of.

mod account;
mod email;
mod id;
mod password;
mod session;
mod timestamp;
mod user;

pub use account::{CREDENTIAL_ISSUER, CREDENTIAL_PROVIDER, CredentialAccount, UserWithCredential};
pub use email::{Email, InvalidEmail};
pub use id::{ID_LENGTH, random_id};
pub use password::{Password, PasswordPolicy};
pub use session::{AuthSession, ClientInfo, Session};
pub use timestamp::Timestamp;
pub use user::{User, UserUpdate};
