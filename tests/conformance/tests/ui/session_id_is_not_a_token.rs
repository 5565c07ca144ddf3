// A session's id (what a JWT carries as `sid`) cannot be passed where its token (the bearer
// secret) is expected: ending a session takes the token.
use auth_core::Auth;
use auth_core::model::Session;

async fn end(auth: &Auth, session: &Session) {
    auth.sign_out(&session.id).await.unwrap();
}

fn main() {}
