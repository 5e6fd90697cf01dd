//! The document's OpenAPI links: what an answer's ids open.

use serde_json::{json, Value};

/// One link: from an operation's answer (its id and status) to a target, by name.
type Link = (&'static str, &'static str, &'static str, Value);

/// An answer's id (`$response.body#/id`).
const ID: &str = "$response.body#/id";
/// A source's session (`$response.body#/sessionId`).
const SESSION_OF_SOURCE: &str = "$response.body#/sessionId";
/// An answer's client secret (`$response.body#/clientSecret`).
const SECRET: &str = "$response.body#/clientSecret";

/// The operation whose `operationId` is `id`.
fn operation_mut<'a>(doc: &'a mut Value, id: &str) -> Option<&'a mut Value> {
    doc.get_mut("paths")?
        .as_object_mut()?
        .values_mut()
        .flat_map(|item| {
            item.as_object_mut()
                .into_iter()
                .flat_map(|m| m.values_mut())
        })
        .find(|op| op["operationId"] == id)
}

/// OpenAPI links: what an answer's ids open (a client's, and Schemathesis'
/// stateful phase's, way from a new session to its sources, attachment and
/// order). `requestBody` entries are merged into the target's body.
pub(super) fn links(doc: &mut Value) {
    let table = [from_session(), from_source(), from_the_rest()].concat();
    for (from, status, name, link) in table {
        if let Some(r) = operation_mut(doc, from).and_then(|op| op["responses"].get_mut(status)) {
            r["links"][name] = link;
        }
    }
}

/// A link to `target` with the answer's id as its `{id}`.
fn by_id(target: &str) -> Value {
    json!({"operationId": target, "parameters": {"path.id": ID}})
}

/// What a new session opens.
fn from_session() -> Vec<Link> {
    let id = ID;
    // The test card that is chargeable at once (processor.rs), as the whole
    // body: a source that attaches and funds the session, so an order follows.
    let card_source = json!({
        "operationId": "createSource",
        "description": "A card source with the test card 4242 4242 4242 4242 (chargeable at once).",
        "requestBody": {
            "type": "creditCard",
            "sessionId": id,
            "creditCard": {"number": "4242424242424242", "expirationMonth": 12, "expirationYear": 2040, "cvv": "123"},
        },
        "x-schemathesis": {"merge_body": false},
    });
    vec![
        (
            "createSession",
            "201",
            "retrieveSession",
            by_id("retrieveSession"),
        ),
        (
            "createSession",
            "201",
            "updateSession",
            by_id("updateSession"),
        ),
        (
            "createSession",
            "201",
            "retrieveSessionFields",
            by_id("retrieveSessionFields"),
        ),
        (
            "createSession",
            "201",
            "updateSessionFields",
            by_id("updateSessionFields"),
        ),
        (
            "createSession",
            "201",
            "sessionPaymentMethods",
            by_id("sessionPaymentMethods"),
        ),
        (
            "createSession",
            "201",
            "retrieveComplianceDetails",
            by_id("retrieveComplianceDetails"),
        ),
        (
            "createSession",
            "201",
            "createSource",
            json!({"operationId": "createSource", "requestBody": {"sessionId": id}}),
        ),
        ("createSession", "201", "createCardSource", card_source),
        (
            "createSession",
            "201",
            "createOrder",
            json!({"operationId": "createOrder", "requestBody": {"sessionId": id}}),
        ),
    ]
}

/// What a new source opens.
fn from_source() -> Vec<Link> {
    let (id, session_of_source, secret) = (ID, SESSION_OF_SOURCE, SECRET);
    vec![
        (
            "createSource",
            "201",
            "retrieveSource",
            json!({"operationId": "retrieveSource", "parameters": {"path.id": id, "query.clientSecret": secret}}),
        ),
        (
            "createSource",
            "201",
            "authenticateSource",
            json!({"operationId": "authenticateSource", "parameters": {"path.id": id}, "requestBody": {"clientSecret": secret, "sessionId": session_of_source}}),
        ),
        (
            "createSource",
            "201",
            "attachSource",
            json!({"operationId": "attachSource", "parameters": {"path.id": session_of_source}, "requestBody": {"sourceId": id}}),
        ),
        (
            "createSource",
            "201",
            "savePaymentMethod",
            json!({"operationId": "savePaymentMethod", "parameters": {"path.id": session_of_source}, "requestBody": {"sourceId": id}}),
        ),
        (
            "createSource",
            "201",
            "challengePage",
            json!({"operationId": "challengePage", "parameters": {"path.id": id, "query.clientSecret": secret}}),
        ),
        (
            "createSource",
            "201",
            "redirectPage",
            json!({"operationId": "redirectPage", "parameters": {"path.id": id, "query.clientSecret": secret}}),
        ),
        (
            "createSource",
            "201",
            "redirectSubmit",
            json!({"operationId": "redirectSubmit", "parameters": {"path.id": id}, "requestBody": {"clientSecret": secret}}),
        ),
    ]
}

/// What an attachment, an order, a customer and a saved card open.
fn from_the_rest() -> Vec<Link> {
    let id = ID;
    vec![
        (
            "attachSource",
            "200",
            "createOrder",
            json!({"operationId": "createOrder", "requestBody": {"sessionId": id}}),
        ),
        (
            "attachSource",
            "200",
            "detachSource",
            json!({"operationId": "detachSource", "parameters": {"path.id": id, "path.sourceId": "$request.body#/sourceId"}}),
        ),
        (
            "createOrder",
            "201",
            "retrieveOrder",
            by_id("retrieveOrder"),
        ),
        (
            "createCustomer",
            "201",
            "retrieveCustomer",
            by_id("retrieveCustomer"),
        ),
        (
            "createCustomer",
            "201",
            "listPaymentMethods",
            by_id("listPaymentMethods"),
        ),
        (
            "createCustomer",
            "201",
            "createSession",
            json!({"operationId": "createSession", "requestBody": {"customerId": id}}),
        ),
        (
            "savePaymentMethod",
            "201",
            "removeSessionPaymentMethod",
            json!({"operationId": "removeSessionPaymentMethod", "parameters": {"path.id": "$request.path.id", "path.pmId": id}}),
        ),
    ]
}
