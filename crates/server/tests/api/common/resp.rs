//! An answer as the tests read it: status, headers, text and JSON body,
//! checked against the OpenAPI document.

use reqwest::{Method, StatusCode};
use serde_json::Value;

pub struct Resp {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Resp {
    /// Status, headers, text and (when it is JSON) body of an answer.
    pub async fn read(resp: reqwest::Response) -> Resp {
        Self::read_as(None, resp).await
    }

    /// [`Resp::read`] of the answer to a `method` request, checked against the
    /// OpenAPI document ([`crate::openapi_check`]).
    pub async fn read_as(method: Option<&Method>, resp: reqwest::Response) -> Resp {
        let url = resp.url().clone();
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        crate::openapi_check::response(method, &url, status.as_u16(), &headers, &text);
        Resp {
            status,
            headers,
            body,
            text,
        }
    }

    pub fn code(&self) -> &str {
        self.body["errors"][0]["code"].as_str().unwrap_or("")
    }
    pub fn param(&self) -> &str {
        self.body["errors"][0]["parameter"].as_str().unwrap_or("")
    }
    #[track_caller]
    pub fn expect_error(&self, status: u16, code: &str) -> &Self {
        assert_eq!(self.status.as_u16(), status, "{}", self.text);
        assert_eq!(self.code(), code, "{}", self.text);
        assert!(self.body["type"].is_string(), "{}", self.text);
        assert!(
            self.body["errors"][0]["message"].is_string(),
            "{}",
            self.text
        );
        self
    }
    #[track_caller]
    pub fn ok(&self, status: u16) -> &Value {
        assert_eq!(self.status.as_u16(), status, "{}", self.text);
        &self.body
    }
}
