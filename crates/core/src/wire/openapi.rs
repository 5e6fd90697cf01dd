//! Schemas of the string fields of the wire types whose values are a fixed
//! set (for the server's OpenAPI document; feature `openapi`).

use utoipa::openapi::{schema::SchemaType, ObjectBuilder, Type};

fn one_of(values: &[&str]) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::String))
        .enum_values(Some(values.iter().copied()))
}
/// [`super::source::NextAction::kind`].
pub fn next_action_type() -> ObjectBuilder {
    one_of(&["challenge", "redirect"])
}
/// [`super::order::Order::state`].
pub fn order_state() -> ObjectBuilder {
    one_of(&["complete"])
}
/// [`super::source::AuthenticationResult::status`].
pub fn authentication_status() -> ObjectBuilder {
    one_of(&[
        "complete",
        "authentication_not_required",
        "failed",
        "pending",
    ])
}
