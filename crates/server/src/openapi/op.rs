//! One operation of the document as it is built: who may call it, its
//! parameters, bodies and answers (the shared error answers by status).

use super::shared::IF_MATCH_PATTERN;
use utoipa::openapi::{
    header::HeaderBuilder,
    path::{HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn},
    request_body::RequestBodyBuilder,
    schema::SchemaType,
    security::SecurityRequirement,
    ContentBuilder, ObjectBuilder, Ref, RefOr, Required, ResponseBuilder, Schema, Type,
};

/// Who may call an operation.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Auth {
    /// No key.
    None,
    /// The secret key only.
    Secret,
    /// The secret or the public key.
    Any,
}

/// One operation being described.
pub(super) struct Op {
    pub(super) method: HttpMethod,
    pub(super) path: &'static str,
    pub(super) b: OperationBuilder,
}

pub(super) fn schema_ref(name: &str) -> RefOr<Schema> {
    Ref::from_schema_name(name).into()
}

pub(super) fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(SchemaType::Type(Type::String))
}

pub(super) fn json(schema: RefOr<Schema>) -> utoipa::openapi::Content {
    ContentBuilder::new().schema(Some(schema)).build()
}

impl Op {
    pub(super) fn new(
        method: HttpMethod,
        path: &'static str,
        id: &str,
        tag: &str,
        summary: &str,
        auth: Auth,
    ) -> Op {
        let mut b = OperationBuilder::new()
            .operation_id(Some(id))
            .tag(tag)
            .summary(Some(summary));
        let any = |b: OperationBuilder| {
            let b = b
                .security(SecurityRequirement::new("secretKey", Vec::<String>::new()))
                .security(SecurityRequirement::new("publicKey", Vec::<String>::new()));
            if method == HttpMethod::Get {
                b.security(SecurityRequirement::new(
                    "publicKeyInQuery",
                    Vec::<String>::new(),
                ))
            } else {
                b
            }
        };
        b = match auth {
            Auth::None => b,
            Auth::Secret => b.security(SecurityRequirement::new("secretKey", Vec::<String>::new())),
            Auth::Any => any(b),
        };
        let mut op = Op { method, path, b };
        for seg in path.split('/') {
            if let Some(name) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                op = op.param(
                    ParameterIn::Path,
                    name,
                    true,
                    string().into(),
                    path_param(name),
                );
            }
        }
        // Every answer but a success may be a 500 (which says nothing of the inside).
        op.b =
            op.b.response("500", Ref::from_response_name("InternalError"));
        if auth != Auth::None {
            op = op.errors(&[401, 429, 503]);
        }
        if auth == Auth::Secret {
            op = op.errors(&[403]);
        }
        op
    }

    pub(super) fn describe(mut self, d: &str) -> Op {
        self.b = self.b.description(Some(d));
        self
    }

    pub(super) fn param(
        mut self,
        at: ParameterIn,
        name: &str,
        required: bool,
        schema: RefOr<Schema>,
        d: &str,
    ) -> Op {
        self.b = self.b.parameter(
            ParameterBuilder::new()
                .name(name)
                .parameter_in(at)
                .required(if required {
                    Required::True
                } else {
                    Required::False
                })
                .schema(Some(schema))
                .description(Some(d)),
        );
        self
    }

    pub(super) fn query(self, name: &str, required: bool, schema: RefOr<Schema>, d: &str) -> Op {
        self.param(ParameterIn::Query, name, required, schema, d)
    }

    /// An optional request header the answer depends on.
    pub(super) fn request_header(self, name: &str, schema: RefOr<Schema>, d: &str) -> Op {
        self.param(ParameterIn::Header, name, false, schema, d)
    }

    /// A JSON body of core's type `schema` (and the errors reading a body may give).
    pub(super) fn body(mut self, schema: &str) -> Op {
        self.b = self.b.request_body(Some(
            RequestBodyBuilder::new()
                .content("application/json", json(schema_ref(schema)))
                .required(Some(Required::True))
                .build(),
        ));
        self.errors(&[400, 408, 413, 415])
    }

    /// A form body (hosted pages).
    pub(super) fn form(mut self, fields: Vec<(&str, ObjectBuilder, bool)>) -> Op {
        let mut o = ObjectBuilder::new().schema_type(SchemaType::Type(Type::Object));
        for (name, s, required) in fields {
            o = o.property(name, s);
            if required {
                o = o.required(name);
            }
        }
        self.b = self.b.request_body(Some(
            RequestBodyBuilder::new()
                .content(
                    "application/x-www-form-urlencoded",
                    ContentBuilder::new().schema(Some(o)).build(),
                )
                .required(Some(Required::True))
                .build(),
        ));
        self.errors(&[400, 408, 413, 415])
    }

    /// `Idempotency-Key` (every POST under `/v1/`).
    pub(super) fn idempotent(mut self) -> Op {
        self.b = self.b.parameter(
            ParameterBuilder::new()
                .name("Idempotency-Key")
                .parameter_in(ParameterIn::Header)
                .required(Required::False)
                .schema(Some(string().min_length(Some(1)).max_length(Some(255)).pattern(Some("^[ -~]+$"))))
                .description(Some("Makes the POST safe to retry: the same key with the same request replays the first answer; with another request it is `409 idempotency_key_reused`.")),
        );
        self.errors(&[400, 409])
    }

    /// `If-Match` / body `version`: the version-checked writes.
    pub(super) fn versioned(mut self) -> Op {
        self.b = self.b.parameter(
            ParameterBuilder::new()
                .name("If-Match")
                .parameter_in(ParameterIn::Header)
                .required(Required::False)
                .schema(Some(string().pattern(Some(IF_MATCH_PATTERN))))
                .description(Some("The session `version` this write was decided on (`3`, `\"3\"` or `W/\"3\"`), when the body has no `version`; `409 session_version_mismatch` if the session changed since.")),
        );
        self.errors(&[400, 409])
    }

    pub(super) fn errors(mut self, statuses: &[u16]) -> Op {
        for s in statuses {
            self.b = self
                .b
                .response(s.to_string(), Ref::from_response_name(error_response(*s).0));
        }
        self
    }

    /// The success answer: core's type `schema` as JSON.
    pub(super) fn ok(mut self, status: u16, schema: &str, d: &str) -> Op {
        let mut r = ResponseBuilder::new()
            .description(d)
            .content("application/json", json(schema_ref(schema)));
        if self.method == HttpMethod::Post && self.path.starts_with("/v1/") {
            r = r.header(
                "Idempotent-Replayed",
                HeaderBuilder::new()
                    .schema(string().enum_values(Some(["true"])))
                    .description(Some("`true` when this is the stored answer of an earlier request with the same `Idempotency-Key`."))
                    .build(),
            );
        }
        self.b = self.b.response(status.to_string(), r.build());
        self
    }

    /// A success answer of another media type (hosted pages, assets).
    pub(super) fn ok_as(mut self, status: u16, media: &str, d: &str) -> Op {
        // JSON (`application/json`, `application/*+json`) is an object; anything else text.
        let schema = if media == "application/json" || media.ends_with("+json") {
            ObjectBuilder::new().schema_type(SchemaType::Type(Type::Object))
        } else {
            string()
        };
        self.b = self.b.response(
            status.to_string(),
            ResponseBuilder::new()
                .description(d)
                .content(media, ContentBuilder::new().schema(Some(schema)).build())
                .build(),
        );
        self
    }
}

impl Op {
    /// `302` to the fields origin.
    pub(super) fn found(mut self) -> Op {
        self.b = self.b.response(
            "302",
            ResponseBuilder::new()
                .description("To `{fieldsUrl}/field` with the request's query.")
                .header(
                    "Location",
                    HeaderBuilder::new()
                        .schema(
                            string()
                                .format(Some(utoipa::openapi::SchemaFormat::Custom("uri".into()))),
                        )
                        .build(),
                )
                .build(),
        );
        self
    }

    /// `303` to the merchant's return or cancel URL.
    pub(super) fn see_other(mut self) -> Op {
        self.b = self.b.response(
            "303",
            ResponseBuilder::new()
                .description("To the return (approve) or cancel URL, with `sourceId`, `sourceClientSecret` and `state` added to its query.")
                .header("Location", HeaderBuilder::new().schema(string().format(Some(utoipa::openapi::SchemaFormat::Custom("uri".into())))).build())
                .build(),
        );
        self
    }
}

fn path_param(name: &str) -> &'static str {
    match name {
        "id" => "The object's id (`ses_…`, `src_…`, `ord_…`, `re_…`, `evt_…`).",
        "sourceId" => "The source's id (`src_…`).",
        "pmId" => "The saved payment method's id (`pm_…`).",
        "deliveryId" => "The webhook delivery's id (`whd_…`).",
        "locale" => "A BCP 47 tag (`de-DE`), optionally with `.json`; its language alone (`de`) also matches.",
        "name" => "`{paymentType}.svg`.",
        "doc" => "`terms`, `privacy`, `cookies`, `cancellation` or `notice`.",
        _ => "",
    }
}

/// The shared error answers: (component name, description) per status.
pub(super) fn error_response(status: u16) -> (&'static str, &'static str) {
    match status {
        400 => ("BadRequest", "The request is malformed or breaks a rule (`type` `bad_request` or `validation_error`; `parameter` names the field): `missing_parameter`, `invalid_parameter`, `unknown_parameter`, `malformed_json`, `null_not_allowed`, `invalid_*`, `incomplete_*`, `session_expired`, `session_locked`, `session_complete`, `source_state_invalid`, `payment_method_unavailable`, `card_declined`, …"),
        401 => ("Unauthorized", "No API key, or not a valid one (`invalid_api_key`); also a secret key sent in a URL."),
        403 => ("Forbidden", "The key may not do this: a public key on a secret-key route (`permission_denied`), or a client secret that does not match (`invalid_client_secret`)."),
        404 => ("NotFound", "No such object for this merchant (`resource_not_found`); other merchants' objects are not found either."),
        408 => ("RequestTimeout", "The body did not arrive within the server's body timeout (`request_timeout`); send it again, whole."),
        409 => ("Conflict", "The session changed since the `version` the write was decided on (`session_version_mismatch`), or the `Idempotency-Key` was used for another request or is still in progress (`idempotency_key_reused`)."),
        413 => ("PayloadTooLarge", "The body is larger than 64 KiB (`payload_too_large`)."),
        415 => ("UnsupportedMediaType", "The body's content type is not the one the route reads (`unsupported_media_type`)."),
        429 => ("RateLimited", "Too many public-key requests from this client (`rate_limit_exceeded`); wait `Retry-After` seconds."),
        503 => ("ServiceUnavailable", "The database could not be reached after retries (`network_unavailable`, `type` `network_error`); retry after `Retry-After` seconds with the same `Idempotency-Key`."),
        _ => ("InternalError", "The server failed (`internal_error`); nothing of the inside is said. Retrying with the same `Idempotency-Key` is safe."),
    }
}
