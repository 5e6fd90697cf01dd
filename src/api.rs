//! The non-payment methods: payment-method look-ups, source retrieval,
//! 3-D Secure authentication, and the session's browser-side fields.
//! Each resolves with the backend's object or fails with an [`SdkError`]
//! (the binding turns that into a rejected promise).

use crate::args::{self, check_card, check_id, check_owner};
use crate::error::{bad_code, SdkError};
use crate::http::{encode, Client, Method};
use crate::js;
use crate::schema::{self, opt, req, Field, Kind};
use paysession_core::country::Country;
use paysession_core::money::Currency;
use paysession_core::ErrorCode;
use wasm_bindgen::JsValue;

const BY_SESSION: &[Field] = &[req("sessionId", Kind::Str(128))];
const BY_MARKET: &[Field] = &[
    req("currency", Kind::Rule(3, ErrorCode::InvalidCurrency)),
    req("country", Kind::Rule(2, ErrorCode::InvalidCountry)),
    opt("amount", Kind::Int(i64::MIN, i64::MAX)),
];

/// `retrieveAvailablePaymentMethods({sessionId} | {currency, country, amount?})`.
pub async fn payment_methods(client: &Client, query: JsValue) -> Result<JsValue, SdkError> {
    if js::is_record(&query) && !js::get(&query, "sessionId").is_undefined() {
        let q = schema::clean(&query, BY_SESSION, "", "query")?;
        let id = check_id(&js::get(&q, "sessionId"), "sessionId")?;
        return client
            .get(&["/v1/sessions/", &id, "/payment-methods"].concat())
            .await;
    }
    let q = schema::clean(&query, BY_MARKET, "", "query")?;
    let currency = schema::string(&q, "currency").unwrap_or_default();
    let country = schema::string(&q, "country").unwrap_or_default();
    // Core's rules (codes are canonical, upper case, on the list, once they parse).
    if Currency::parse(&currency).is_none() {
        return Err(bad_code(ErrorCode::InvalidCurrency, "currency"));
    }
    if Country::parse(&country).is_none() {
        return Err(bad_code(ErrorCode::InvalidCountry, "country"));
    }
    let mut path = [
        "/v1/payment-methods?currency=",
        &currency,
        "&country=",
        &country,
    ]
    .concat();
    if let Some(a) = schema::integer(&q, "amount") {
        if paysession_core::Amount::positive(a, "amount").is_err() {
            return Err(bad_code(ErrorCode::InvalidAmount, "amount"));
        }
        path.push_str("&amount=");
        path.push_str(&crate::js::itoa(a as u64));
    }
    client.get(&path).await
}

const COMPLIANCE: &[Field] = &[
    opt("sessionId", Kind::Str(128)),
    opt("locale", Kind::Str(35)),
];

/// Checks `{sessionId, locale?}` (`at`: what the argument is called) into
/// the compliance route's path; what `q` lacks comes from `session` (when
/// `Some`; else `sessionId` is required) and `locale`.
pub fn compliance_path(
    q: &JsValue,
    at: &str,
    session: Option<&str>,
    locale: &str,
) -> Result<(String, String), SdkError> {
    let q = schema::clean(q, COMPLIANCE, "", at)?;
    let sid = js::get(&q, "sessionId");
    let id = match session {
        Some(s) if sid.is_undefined() => s.into(),
        _ => check_id(&sid, "sessionId")?,
    };
    let locale = match schema::string(&q, "locale") {
        Some(l) => crate::options::check_locale(l)?,
        None => locale.into(),
    };
    Ok((id, locale))
}

/// `retrieveComplianceDetails({sessionId, locale?})`: the seller of record,
/// legal documents and save-card agreements in `locale` (default: the
/// PaySession's). One state machine for the method and the compliance
/// element (boxed by both).
pub async fn compliance(
    client: std::rc::Rc<Client>,
    query: Result<(String, String), SdkError>,
) -> Result<JsValue, SdkError> {
    let (id, locale) = query?;
    client
        .get(
            &[
                "/v1/sessions/",
                &id,
                "/compliance?locale=",
                &encode(&locale),
            ]
            .concat(),
        )
        .await
}

/// `retrieveSource(id, clientSecret)`.
pub async fn retrieve_source(
    client: &Client,
    id: JsValue,
    secret: JsValue,
) -> Result<JsValue, SdkError> {
    let id = check_id(&id, "sourceId")?;
    let secret = check_secret(&secret, "clientSecret")?;
    client
        .get(&["/v1/sources/", &id, "?clientSecret=", &encode(&secret)].concat())
        .await
}

fn check_secret(v: &JsValue, name: &str) -> Result<String, SdkError> {
    match js::str_len(v) {
        Some(1..=256) => Ok(v.as_string().unwrap_or_default()),
        None if v.is_undefined() => Err(SdkError::validation(
            ErrorCode::MissingParameter,
            name,
            &[name, " is required."].concat(),
        )),
        _ => Err(SdkError::invalid(
            name,
            "must be the source's client secret.",
        )),
    }
}

const AUTHENTICATE: &[Field] = &[
    req("sessionId", Kind::Str(128)),
    req("sourceId", Kind::Str(128)),
    req("sourceClientSecret", Kind::Str(256)),
    opt("challengeResponse", Kind::Str(256)),
];

/// The statuses `authenticateSource` resolves with.
pub const AUTH_STATUSES: &[&str] = &[
    "complete",
    "authentication_not_required",
    "failed",
    "pending",
];

/// `authenticateSource({sessionId, sourceId, sourceClientSecret, challengeResponse?})`
/// → `{status, source}`. A failed challenge is an outcome (`status: "failed"`), not an error.
pub async fn authenticate(client: &Client, data: JsValue) -> Result<JsValue, SdkError> {
    let d = schema::clean(&data, AUTHENTICATE, "", "data")?;
    let session = check_id(&js::get(&d, "sessionId"), "sessionId")?;
    let source = check_id(&js::get(&d, "sourceId"), "sourceId")?;
    let secret = check_secret(&js::get(&d, "sourceClientSecret"), "sourceClientSecret")?;
    let body = js::object();
    js::set(&body, "clientSecret", &secret.into());
    js::set(&body, "sessionId", &session.into());
    let answer = js::get(&d, "challengeResponse");
    if !answer.is_undefined() {
        js::set(&body, "challengeResponse", &answer);
    }
    let path = ["/v1/sources/", &source, "/authenticate"].concat();
    match client.send(Method::Post, &path, Some(&body)).await {
        Ok(r) => match js::get(&r, "status").as_string() {
            Some(s) if AUTH_STATUSES.contains(&s.as_str()) => Ok(r),
            _ => Err(SdkError::invalid_response()),
        },
        Err(e) if e.code() == ErrorCode::AuthenticationFailed.as_str() => {
            let out = js::object();
            js::set(&out, "status", &"failed".into());
            js::set(&out, "error", &e.to_js());
            Ok(out.into())
        }
        Err(e) => Err(e),
    }
}

/// `retrieveSession(sessionId)`: the masked view of the session's fields.
pub async fn retrieve_session(client: &Client, id: JsValue) -> Result<JsValue, SdkError> {
    let id = check_id(&id, "sessionId")?;
    client
        .get(&["/v1/sessions/", &id, "/fields"].concat())
        .await
}

pub(crate) const UPDATE: &[Field] = &[
    opt("owner", Kind::Obj(args::OWNER)),
    opt("shipping", Kind::Obj(args::OWNER)),
    opt("card", Kind::Obj(args::CARD)),
];
pub(crate) const UPDATE_OPTIONS: &[Field] = &[opt("version", Kind::Int(0, 1 << 53))];

/// `updateSession(sessionId, fields, {version})`: adds or overwrites fields;
/// a stale `version` fails with `session_version_mismatch`.
pub async fn update_session(
    client: &Client,
    id: JsValue,
    fields: JsValue,
    options: JsValue,
) -> Result<JsValue, SdkError> {
    let id = check_id(&id, "sessionId")?;
    let body = schema::clean(&fields, UPDATE, "", "fields")?;
    for at in ["owner", "shipping"] {
        let o = js::get(&body, at);
        if !o.is_undefined() {
            check_owner(&o, at)?;
        }
    }
    let card = js::get(&body, "card");
    if !card.is_undefined() {
        check_card(&card, "card", false)?;
    }
    if !(options.is_undefined() || options.is_null()) {
        let o = schema::clean(&options, UPDATE_OPTIONS, "", "options")?;
        let v = js::get(&o, "version");
        if !v.is_undefined() {
            js::set(&body, "version", &v);
        }
    }
    client
        .send(
            Method::Patch,
            &["/v1/sessions/", &id, "/fields"].concat(),
            Some(&body.into()),
        )
        .await
}
