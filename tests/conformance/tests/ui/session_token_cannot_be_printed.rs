// A session token is a bearer credential: it cannot be formatted into a log line.
use auth_core::model::SessionToken;

fn main() {
    let token = SessionToken::generate();
    println!("session {token}");
}
