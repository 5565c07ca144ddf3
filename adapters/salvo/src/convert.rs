//! Translating between salvo's types and `http`'s: the whole of this crate's job.

use auth_core::AuthError;
use auth_core::http::{ClientAddr, ProtocolError};
use bytes::Bytes;
use salvo::{Depot, Request, Response, Writer, async_trait};

/// The salvo request as an `http` request for the protocol (the body moves along).
pub(crate) fn to_http(request: &mut Request) -> http::Request<salvo::http::ReqBody> {
    let mut out = http::Request::new(request.take_body());
    *out.method_mut() = request.method().clone();
    *out.uri_mut() = request.uri().clone();
    *out.headers_mut() = request.headers().clone();
    // The socket's address, for the protocol's rate limits.
    if let Some(addr) = request.remote_addr().clone().into_std() {
        out.extensions_mut().insert(ClientAddr(addr.ip()));
    }
    out
}

/// Writes a protocol response into salvo's. The body is always set (even when empty), so
/// salvo's catcher never replaces the protocol's answer with a page of its own.
pub(crate) fn write(response: http::Response<Bytes>, out: &mut Response) {
    out.status_code(response.status());
    for (name, value) in response.headers() {
        out.headers_mut().append(name, value.clone());
    }
    out.body(response.into_body());
}

/// Writes the protocol's JSON error.
pub(crate) fn write_error(error: AuthError, out: &mut Response) {
    write(ProtocolError::from(error).response(), out);
}

/// An extractor's refusal: written as the protocol's JSON error.
#[derive(Debug)]
pub(crate) struct Refusal(pub(crate) AuthError);

#[async_trait]
impl Writer for Refusal {
    async fn write(self, _request: &mut Request, _depot: &mut Depot, response: &mut Response) {
        write_error(self.0, response);
    }
}
