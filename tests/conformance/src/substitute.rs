//! Replaying a recording against a fresh server: every token, id and signature the recording
//! holds is one our server made differently. [`Substitutions`] learns each recorded value with
//! ours, and rewrites recorded text (requests to send, answers to expect) into ours.

/// How a cookie header carries a signed value (`encodeURIComponent` of base64's `+ / =`).
pub fn uri_encode(value: &str) -> String {
    value
        .replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D")
}

/// Recorded values and ours, longest first (so that a token inside a longer signed value is
/// never rewritten on its own first).
#[derive(Debug, Default)]
pub struct Substitutions(Vec<(String, String)>);

impl Substitutions {
    /// Learns that `recorded` is `ours` here; the first answer for a value stands.
    pub fn learn(&mut self, recorded: &str, ours: &str) {
        if recorded.is_empty() || self.knows(recorded) {
            return;
        }
        self.0.push((recorded.to_owned(), ours.to_owned()));
        self.0.sort_by_key(|(r, _)| std::cmp::Reverse(r.len()));
    }

    /// Learns a signed session value (`token.signature`): the whole, its cookie encoding, and
    /// the bare token.
    pub fn learn_signed(&mut self, recorded_signed: &str, ours_signed: &str) {
        let (Some((recorded_raw, _)), Some((ours_raw, _))) =
            (recorded_signed.split_once('.'), ours_signed.split_once('.'))
        else {
            return;
        };
        self.learn(&uri_encode(recorded_signed), &uri_encode(ours_signed));
        self.learn(recorded_signed, ours_signed);
        self.learn(recorded_raw, ours_raw);
    }

    /// Whether `recorded` has been learned.
    pub fn knows(&self, recorded: &str) -> bool {
        self.0.iter().any(|(known, _)| known == recorded)
    }

    /// `text` with every learned recorded value replaced by ours.
    pub fn apply(&self, text: &str) -> String {
        self.0
            .iter()
            .fold(text.to_owned(), |acc, (r, o)| acc.replace(r.as_str(), o))
    }
}

impl Substitutions {
    /// The recorded request of `exchange` with our values: what a replay sends (transport
    /// headers left out; the body may change length).
    pub fn request(
        &self,
        exchange: &crate::transcript::Exchange,
    ) -> http::Request<http_body_util::Full<bytes::Bytes>> {
        let mut builder = http::Request::builder()
            .method(exchange.method())
            .uri(self.apply(exchange.path()));
        for (name, value) in &exchange.request.headers {
            if ["host", "connection", "content-length"]
                .contains(&name.to_ascii_lowercase().as_str())
            {
                continue;
            }
            builder = builder.header(name.as_str(), self.apply(value));
        }
        builder
            .body(http_body_util::Full::new(bytes::Bytes::from(
                self.apply(&exchange.request.body),
            )))
            .unwrap_or_else(|e| panic!("the recorded request is not valid HTTP: {e}"))
    }
}
