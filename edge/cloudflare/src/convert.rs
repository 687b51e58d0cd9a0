//! Translation between the `worker` crate's request/response and the `http` crate's types the
//! edge core speaks. Bodies are buffered: catalog pages and API answers are small, and the
//! core works on whole documents.

use bytes::Bytes;
use worker::{Headers, Request, Response, ResponseBuilder, Result};

/// Statuses whose responses must not carry a body (the Fetch standard's "null body status").
const NULL_BODY_STATUSES: [u16; 4] = [101, 204, 205, 304];

pub async fn request_to_http(mut request: Request) -> Result<http::Request<Bytes>> {
    let url = request.url()?;
    let body = match request.method() {
        worker::Method::Get | worker::Method::Head => Vec::new(),
        _ => request.bytes().await?,
    };
    let mut builder = http::Request::builder().method(request.method().as_ref()).uri(url.as_str());
    for (name, value) in request.headers().entries() {
        builder = builder.header(name, value);
    }
    builder.body(Bytes::from(body)).map_err(|e| worker::Error::RustError(format!("bad request: {e}")))
}

pub fn response_from_http(response: http::Response<Bytes>) -> Result<Response> {
    let (parts, body) = response.into_parts();
    let headers = headers_from_http(&parts.headers)?;
    let builder = ResponseBuilder::new().with_status(parts.status.as_u16()).with_headers(headers);
    if NULL_BODY_STATUSES.contains(&parts.status.as_u16()) {
        Ok(builder.empty())
    } else {
        Ok(builder.fixed(body.to_vec()))
    }
}

pub fn headers_from_http(headers: &http::HeaderMap) -> Result<Headers> {
    let out = Headers::new();
    for (name, value) in headers {
        // Header values the Fetch API rejects (non-ASCII) are dropped rather than failing the
        // whole response.
        if let Ok(value) = value.to_str() {
            out.append(name.as_str(), value)?;
        }
    }
    Ok(out)
}

/// Buffers a fetched response into the `http` types. `content-length` is dropped: workerd has
/// already decoded the body, and the runtime sets the length of what we send.
pub async fn response_to_http(mut response: Response) -> Result<http::Response<Bytes>> {
    let body = response.bytes().await?;
    let mut builder = http::Response::builder().status(response.status_code());
    for (name, value) in response.headers().entries() {
        if name != "content-length" {
            builder = builder.header(name, value);
        }
    }
    builder.body(Bytes::from(body)).map_err(|e| worker::Error::RustError(format!("bad response: {e}")))
}
