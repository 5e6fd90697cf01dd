//! The document's components: the schemas (core's wire types and the
//! server's own), the key schemes, and the shared error answers.

use super::op::{error_response, json, schema_ref, string};
use paysession_core::{
    card::Brand,
    country::Country,
    state::{Flow, PaymentType, SessionState, SourceState},
    wire::*,
    Amount, ApiError, Currency, ErrorCode, ErrorDetail, ErrorType,
};
use utoipa::{
    openapi::{
        header::HeaderBuilder,
        schema::SchemaType,
        security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme},
        Components, ComponentsBuilder, ObjectBuilder, RefOr, ResponseBuilder, Schema, Type,
    },
    ToSchema,
};

/// The components: schemas, key schemes, error answers.
pub(super) fn components() -> Components {
    error_responses(security_schemes(
        ComponentsBuilder::new().schemas_from_iter(schemas()),
    ))
    .build()
}

/// Pushes `T`'s schema and every schema it refers to.
fn add<T: ToSchema>(v: &mut Vec<(String, RefOr<Schema>)>) {
    v.push((T::name().into_owned(), T::schema()));
    T::schemas(v);
}

/// Every schema the document names.
fn schemas() -> Vec<(String, RefOr<Schema>)> {
    let mut schemas = Vec::new();
    add::<ApiError>(&mut schemas);
    add::<ErrorDetail>(&mut schemas);
    add::<ErrorType>(&mut schemas);
    add::<ErrorCode>(&mut schemas);
    add::<CreateSession>(&mut schemas);
    add::<UpdateSession>(&mut schemas);
    add::<Session>(&mut schemas);
    add::<PaymentMethods>(&mut schemas);
    add::<ComplianceDetails>(&mut schemas);
    add::<AttachSource>(&mut schemas);
    add::<CreateSource>(&mut schemas);
    add::<Source>(&mut schemas);
    add::<AuthenticateSource>(&mut schemas);
    add::<AuthenticationResult>(&mut schemas);
    add::<CreateOrder>(&mut schemas);
    add::<CreateCustomer>(&mut schemas);
    add::<Customer>(&mut schemas);
    add::<PaymentMethodSummary>(&mut schemas);
    add::<PaymentMethodList>(&mut schemas);
    add::<DeletedPaymentMethod>(&mut schemas);
    add::<TokenizeSource>(&mut schemas);
    add::<SavedCard>(&mut schemas);
    add::<Usage>(&mut schemas);
    add::<Order>(&mut schemas);
    add::<paysession_core::wire::CreateCapture>(&mut schemas);
    add::<crate::routes::testmode::Swept>(&mut schemas);
    add::<paysession_core::wire::CreateRefund>(&mut schemas);
    add::<paysession_core::wire::Refund>(&mut schemas);
    add::<paysession_core::wire::Payment>(&mut schemas);
    add::<paysession_core::wire::Capture>(&mut schemas);
    add::<paysession_core::wire::RefundPart>(&mut schemas);
    add::<paysession_core::state::CaptureMethod>(&mut schemas);
    add::<paysession_core::state::PaymentState>(&mut schemas);
    add::<paysession_core::state::RefundState>(&mut schemas);
    add::<crate::routes::events::EventList>(&mut schemas);
    add::<crate::routes::webhooks::CreateWebhookEndpoint>(&mut schemas);
    add::<crate::routes::webhooks::RotateWebhookSecret>(&mut schemas);
    add::<crate::routes::webhooks::WebhookEndpoint>(&mut schemas);
    add::<crate::routes::webhooks::WebhookEndpointList>(&mut schemas);
    add::<crate::routes::webhooks::DeletedWebhookEndpoint>(&mut schemas);
    add::<crate::routes::webhooks::WebhookDeliveryList>(&mut schemas);
    add::<Amount>(&mut schemas);
    add::<Currency>(&mut schemas);
    add::<Country>(&mut schemas);
    add::<Brand>(&mut schemas);
    add::<PaymentType>(&mut schemas);
    add::<SessionState>(&mut schemas);
    add::<SourceState>(&mut schemas);
    add::<Flow>(&mut schemas);
    add::<crate::store::StoreHealth>(&mut schemas);
    add::<crate::wallet::TokenRequest>(&mut schemas);
    add::<crate::wallet::TokenAnswer>(&mut schemas);
    schemas.push((
        "Catalog".into(),
        ObjectBuilder::new()
            .schema_type(SchemaType::Type(Type::Object))
            .additional_properties(Some(string()))
            .description(Some("Message id → text; `dir` is `ltr` or `rtl`."))
            .into(),
    ));
    schemas
}

/// The three ways a key travels.
fn security_schemes(components: ComponentsBuilder) -> ComponentsBuilder {
    let bearer = |prefix: &str, d: &str| {
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format(prefix)
                .description(Some(d))
                .build(),
        )
    };
    components
        .security_scheme("secretKey", bearer("sk_…", "The secret key, from the merchant's server only: `Authorization: Bearer sk_…`."))
        .security_scheme("publicKey", bearer("pk_…", "The public key, for browsers: `Authorization: Bearer pk_…`."))
        .security_scheme(
            "publicKeyInQuery",
            SecurityScheme::ApiKey(ApiKey::Query(ApiKeyValue::with_description(
                "key",
                "The public key as `?key=pk_…`, on a GET only (no preflight); a secret key in a URL is `401`.",
            ))),
        )
}

/// The shared error answers, one component per status.
fn error_responses(mut components: ComponentsBuilder) -> ComponentsBuilder {
    for s in [400, 401, 403, 404, 408, 409, 413, 415, 429, 500, 503] {
        let (name, d) = error_response(s);
        let mut r = ResponseBuilder::new()
            .description(d)
            .content("application/json", json(schema_ref("ApiError")));
        if s == 429 || s == 503 {
            r = r.header(
                "Retry-After",
                HeaderBuilder::new()
                    .schema(
                        ObjectBuilder::new()
                            .schema_type(SchemaType::Type(Type::Integer))
                            .minimum(Some(1)),
                    )
                    .description(Some("Seconds until a retry may pass."))
                    .build(),
            );
        }
        components = components.response(name, r.build());
    }
    components
}
