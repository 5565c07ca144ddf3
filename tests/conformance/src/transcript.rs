//! Parsing the recorded exchanges.

/// The recording, as committed.
pub const TRANSCRIPTS: &str = include_str!("../fixtures/better-auth-1.7.25-transcripts.md");

/// A request or a response as recorded: first line, headers in order, body.
#[derive(Debug, Clone)]
pub struct Message {
    /// The request line or status line.
    pub first_line: String,
    /// Headers in recorded order.
    pub headers: Vec<(String, String)>,
    /// The body (de-chunked), without the trailing newline.
    pub body: String,
}

impl Message {
    /// Header values named `name` (case-insensitive), in order.
    pub fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// One recorded exchange.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// Its number in the recording.
    pub number: u32,
    /// Its title.
    pub title: String,
    /// What was sent.
    pub request: Message,
    /// What came back.
    pub response: Message,
}

impl Exchange {
    /// The request method.
    pub fn method(&self) -> &str {
        self.request
            .first_line
            .split(' ')
            .next()
            .unwrap_or_default()
    }
    /// The request path (with any query).
    pub fn path(&self) -> &str {
        self.request
            .first_line
            .split(' ')
            .nth(1)
            .unwrap_or_default()
    }
    /// The recorded status code.
    pub fn status(&self) -> u16 {
        self.response
            .first_line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_default()
    }
}

fn parse_message(block: &str) -> Message {
    let (head, body) = block.split_once("\n\n").unwrap_or((block, ""));
    let mut lines = head.lines();
    let first_line = lines.next().unwrap_or_default().to_owned();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Message {
        first_line,
        headers,
        body: body.trim_end_matches('\n').to_owned(),
    }
}

/// The fenced ```http block after `marker`.
fn block_after<'a>(section: &'a str, marker: &str) -> Option<&'a str> {
    let start = section.find(marker)?;
    let rest = &section[start..];
    let open = rest.find("```http\n")? + "```http\n".len();
    let close = rest[open..].find("\n```")?;
    Some(&rest[open..open + close + 1])
}

/// Every numbered exchange, in recorded order.
pub fn exchanges() -> Vec<Exchange> {
    let body = TRANSCRIPTS
        .split("\n## Transcripts")
        .nth(1)
        .unwrap_or_default();
    let body = body.split("\n## Decoded JWTs").next().unwrap_or_default();
    body.split("\n### ")
        .skip(1)
        .filter_map(|section| {
            let (heading, rest) = section.split_once('\n')?;
            let (number, title) = heading.split_once(". ")?;
            Some(Exchange {
                number: number.trim().parse().ok()?,
                title: title.trim().to_owned(),
                request: parse_message(block_after(rest, "Request:")?),
                response: parse_message(block_after(rest, "Response")?),
            })
        })
        .collect()
}
