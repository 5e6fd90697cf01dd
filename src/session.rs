//! `PaySession`: the SDK's JavaScript entry point.
//!
//! Which calls resolve and which reject:
//! - `createSource` **always resolves** with `{state, source?, error?}`:
//!   declines, invalid input and network failures give `state: "failed"` and
//!   `error` (DigitalRiver.js style: one branch on `result.state`).
//! - `authenticateSource` resolves with `{status, source?}` for every outcome
//!   of the challenge (`failed` included) and rejects only when it cannot ask.
//! - `retrieveAvailablePaymentMethods`, `retrieveComplianceDetails`, `retrieveSource`, `retrieveSession`
//!   and `updateSession` resolve with the backend's object and **reject**
//!   with a `PaySessionError` (`type`, `errors`, `code`) on any failure.
//! - The constructor and `createDropin` **throw** a `PaySessionError` for a
//!   bad argument. Nothing a page passes can trap the WebAssembly module.

use crate::error::SdkError;
use crate::http::Client;
use crate::{api, options, source};
use js_sys::Promise;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `PaySessionOptions` in TypeScript.
    #[wasm_bindgen(typescript_type = "PaySessionOptions")]
    pub type PaySessionOptions;
    /// `UpdateSessionOptions` in TypeScript.
    #[wasm_bindgen(typescript_type = "UpdateSessionOptions")]
    pub type UpdateSessionOptions;
    /// `ElementOptions` in TypeScript.
    #[wasm_bindgen(typescript_type = "ElementOptions")]
    pub type ElementOptions;
    /// `ElementSourceData` in TypeScript: `createSource`'s second argument.
    #[cfg(feature = "elements")]
    #[wasm_bindgen(typescript_type = "ElementSourceData")]
    pub type ElementSourceData;
    /// No second argument in the drop-in build (it has no elements).
    #[cfg(not(feature = "elements"))]
    #[wasm_bindgen(typescript_type = "never")]
    pub type ElementSourceData;
}

/// A client of the session backend for one merchant's public key.
#[wasm_bindgen]
pub struct PaySession {
    client: Rc<Client>,
    /// The secure card fields of this session (with `fieldsBase`).
    fields: Option<Rc<crate::elements::Group>>,
}

use crate::error::promise;

#[wasm_bindgen]
impl PaySession {
    /// `new PaySession("pk_…", { apiBase, locale, timeoutMs, maxRetries })`.
    /// Throws a `PaySessionError` for a bad key or option.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "string")] public_key: JsValue,
        options: Option<PaySessionOptions>,
    ) -> Result<PaySession, JsValue> {
        let options: JsValue = options.map(Into::into).unwrap_or(JsValue::UNDEFINED);
        let client = options::parse(&public_key, &options).map_err(|e| e.to_js())?;
        let fields = crate::elements::Group::new(&client).map(Rc::new);
        Ok(PaySession {
            client: Rc::new(client),
            fields,
        })
    }

    /// Creates a payment source for a session: `createSource(payload)`.
    #[cfg_attr(
        feature = "elements",
        doc = " Or `createSource(cardNumberElement, {sessionId, type: 'creditCard', owner?})`"
    )]
    #[cfg_attr(
        feature = "elements",
        doc = " to tokenize the card typed into secure fields."
    )]
    /// Always resolves with `{state, source?, error?}`; never rejects.
    #[wasm_bindgen(js_name = createSource, unchecked_return_type = "Promise<CreateSourceResult>")]
    pub fn create_source(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SourceInput")] payload: JsValue,
        data: Option<ElementSourceData>,
    ) -> Promise {
        if let Some(data) = data {
            #[cfg(feature = "elements")]
            return crate::elements::create_source(self.fields.as_ref(), &payload, &data.into());
            // The drop-in build has no elements to take a card from: a
            // second argument is refused, not ignored.
            #[cfg(not(feature = "elements"))]
            {
                let _ = data;
                return Promise::resolve(&source::result(Err(SdkError::invalid(
                    "payload",
                    "paysession/dropin creates sources from payloads only: an element and its data \
                     need the card fields of paysession or paysession/elements.",
                ))));
            }
        }
        #[cfg(feature = "api")]
        {
            let client = self.client.clone();
            promise(Box::pin(async move {
                Ok(source::create(&client, payload).await)
            }))
        }
        // The card build takes only its card fields: an element without
        // `data` is told so (`data` is required), a payload is refused with
        // a coded error, never sent on.
        #[cfg(not(feature = "api"))]
        {
            #[cfg(feature = "elements")]
            if let Some(g) = self.fields.as_ref().filter(|g| g.made_it(&payload)) {
                return crate::elements::create_source(Some(g), &payload, &JsValue::UNDEFINED);
            }
            // Without `api` or `elements` there is nothing to make a source from.
            #[cfg(not(feature = "elements"))]
            let _ = payload;
            Promise::resolve(&source::result(Err(SdkError::invalid(
                "payload",
                "must be a card element of this PaySession: paysession/card creates sources \
                 from its card fields only (import paysession/elements for other payment types).",
            ))))
        }
    }

    #[cfg(feature = "api")]
    /// The payment methods for a session (`{sessionId}`) or a market
    /// (`{currency, country, amount?}`).
    #[wasm_bindgen(js_name = retrieveAvailablePaymentMethods, unchecked_return_type = "Promise<PaymentMethodsResult>")]
    pub fn retrieve_available_payment_methods(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PaymentMethodsQuery")] query: JsValue,
    ) -> Promise {
        let client = self.client.clone();
        promise(Box::pin(async move {
            api::payment_methods(&client, query).await
        }))
    }

    #[cfg(all(feature = "api", feature = "elements"))]
    /// The session's compliance details (`{sessionId, locale?}`): seller of
    /// record, legal documents, save-card agreements, terms version.
    #[wasm_bindgen(js_name = retrieveComplianceDetails, unchecked_return_type = "Promise<ComplianceDetails>")]
    pub fn retrieve_compliance_details(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ComplianceQuery")] query: JsValue,
    ) -> Promise {
        let q = api::compliance_path(&query, "query", None, &self.client.locale);
        promise(Box::pin(api::compliance(self.client.clone(), q)))
    }

    #[cfg(all(feature = "api", feature = "elements"))]
    /// Reads a source with its client secret.
    #[wasm_bindgen(js_name = retrieveSource, unchecked_return_type = "Promise<Source>")]
    pub fn retrieve_source(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
        #[wasm_bindgen(js_name = clientSecret, unchecked_param_type = "string")]
        client_secret: JsValue,
    ) -> Promise {
        let client = self.client.clone();
        promise(Box::pin(async move {
            api::retrieve_source(&client, id, client_secret).await
        }))
    }

    #[cfg(all(feature = "api", feature = "elements"))]
    /// Completes (or reports) a source's 3-D Secure authentication.
    #[wasm_bindgen(js_name = authenticateSource, unchecked_return_type = "Promise<AuthenticateSourceResult>")]
    pub fn authenticate_source(
        &self,
        #[wasm_bindgen(unchecked_param_type = "AuthenticateSourceData")] data: JsValue,
    ) -> Promise {
        let client = self.client.clone();
        promise(Box::pin(
            async move { api::authenticate(&client, data).await },
        ))
    }

    #[cfg(all(feature = "api", feature = "elements"))]
    /// The session's browser-side fields, masked.
    #[wasm_bindgen(js_name = retrieveSession, unchecked_return_type = "Promise<SessionFields>")]
    pub fn retrieve_session(
        &self,
        #[wasm_bindgen(js_name = sessionId, unchecked_param_type = "string")] session_id: JsValue,
    ) -> Promise {
        let client = self.client.clone();
        promise(Box::pin(async move {
            api::retrieve_session(&client, session_id).await
        }))
    }

    #[cfg(all(feature = "api", feature = "elements"))]
    /// Adds or overwrites the session's browser-side fields; with `{version}`
    /// a stale session rejects with `session_version_mismatch`.
    #[wasm_bindgen(js_name = updateSession, unchecked_return_type = "Promise<SessionFields>")]
    pub fn update_session(
        &self,
        #[wasm_bindgen(js_name = sessionId, unchecked_param_type = "string")] session_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "SessionFieldsUpdate")] fields: JsValue,
        options: Option<UpdateSessionOptions>,
    ) -> Promise {
        let client = self.client.clone();
        let options: JsValue = options.map(Into::into).unwrap_or(JsValue::UNDEFINED);
        promise(Box::pin(async move {
            api::update_session(&client, session_id, fields, options).await
        }))
    }

    #[cfg(feature = "elements")]
    /// `createElement("cardnumber" | "cardexpiration" | "cardcvv", options)`:
    /// a secure card field (throws a `PaySessionError` for a bad argument or
    /// when the session has no `fieldsBase`); `createElement("compliance",
    /// {sessionId, locale?})`: the compliance text and links, in the page.
    #[wasm_bindgen(js_name = createElement, unchecked_return_type = "PaySessionElement")]
    pub fn create_element(
        &self,
        #[wasm_bindgen(js_name = type, unchecked_param_type = "ElementType")] kind: JsValue,
        options: Option<ElementOptions>,
    ) -> Result<JsValue, JsValue> {
        let options: JsValue = options.map(Into::into).unwrap_or(JsValue::UNDEFINED);
        #[cfg(feature = "api")]
        if kind.as_string().as_deref() == Some("compliance") {
            return crate::elements::compliance::create(self.client.clone(), &options)
                .map_err(|e| e.to_js());
        }
        let Some(group) = &self.fields else {
            return Err(SdkError::validation(
                paysession_core::ErrorCode::MissingParameter,
                "fieldsBase",
                "Secure card fields need the fieldsBase option of new PaySession.",
            )
            .to_js());
        };
        crate::elements::create(group, &kind, &options).map_err(|e| e.to_js())
    }
}

#[cfg(feature = "dropin")]
#[wasm_bindgen]
impl PaySession {
    /// Creates a drop-in for a session; `mount(target)` shows it.
    /// Throws a `PaySessionError` for a bad configuration.
    #[wasm_bindgen(js_name = createDropin, unchecked_return_type = "Dropin")]
    pub fn create_dropin(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DropinConfiguration")] config: JsValue,
    ) -> Result<JsValue, JsValue> {
        crate::dropin::Dropin::create(self.client.clone(), &config).map_err(|e| e.to_js())
    }
}
