// A password cannot be formatted into a log line or a response.
use auth_core::model::Password;

fn main() {
    let password = Password::new("correct horse battery");
    println!("signing in with {password}");
}
