//! Writes the fuzzers' seed corpora from the recorded transcripts: each recorded request as raw
//! HTTP/1.1 (for `request`), and every JWT and session token the server handed out (for
//! `token_verify`). `cargo run -p auth-conformance --bin fuzz-seeds -- <corpus dir>`.

use std::path::PathBuf;

use auth_conformance::transcript;

fn main() -> std::io::Result<()> {
    let root = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("fuzz/corpus"));
    let requests = root.join("request");
    let tokens = root.join("token_verify");
    std::fs::create_dir_all(&requests)?;
    std::fs::create_dir_all(&tokens)?;
    let mut token_count = 0;
    for exchange in transcript::exchanges() {
        let request = &exchange.request;
        let mut raw = format!("{}\r\n", request.first_line);
        for (name, value) in &request.headers {
            raw.push_str(&format!("{name}: {value}\r\n"));
        }
        raw.push_str("\r\n");
        raw.push_str(&request.body);
        std::fs::write(requests.join(format!("{:02}", exchange.number)), raw)?;
        // Tokens: headers and JSON values that look like a JWT or a signed session token.
        let response = &exchange.response;
        let mut found: Vec<String> = response
            .headers
            .iter()
            .filter(|(name, _)| name.starts_with("set-auth"))
            .map(|(_, value)| value.clone())
            .collect();
        found.extend(
            response
                .body
                .split('"')
                .filter(|s| s.len() > 30 && s.matches('.').count() == 2)
                .map(str::to_owned),
        );
        for token in found {
            token_count += 1;
            std::fs::write(tokens.join(format!("{token_count:03}")), token)?;
        }
    }
    println!(
        "wrote {} requests and {token_count} tokens under {}",
        transcript::exchanges().len(),
        root.display()
    );
    Ok(())
}
