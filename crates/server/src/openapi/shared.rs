//! What the document's parts share: the path it is served at, the request
//! patterns the server's checks also use, the names of schemas the document
//! makes itself, and the small JSON edits the parts make.

use serde_json::{json, Value};

/// The path the document is served at.
pub const PATH: &str = "/v1/openapi.json";

/// `If-Match`'s grammar ([`crate::routes::parse_if_match`]): blanks around,
/// `W/` optional, at most 19 digits bare or in double quotes.
pub const IF_MATCH_PATTERN: &str = "^[ \\t]*(W/)?(\"[0-9]{1,19}\"|[0-9]{1,19})[ \\t]*$";

/// Core's e-mail rule ([`paysession_core::email::is_valid_email`]) as a
/// pattern: printable ASCII without `"(),:;<>@[\]`, a local part of 1 to 64,
/// one `@`, two or more non-empty labels (with `maxLength` its length).
pub const EMAIL_PATTERN: &str =
    "^[!#-'*+\\-./0-9=?A-Z^-~]{1,64}@[!#-'*+\\-/0-9=?A-Z^-~]+(\\.[!#-'*+\\-/0-9=?A-Z^-~]+)+$";

/// The browser route's body: `UpdateSession` without the merchant's fields.
pub(super) const UPDATE_FIELDS: &str = "UpdateSessionFields";

/// A security code as typed: 3 or 4 digits (the brand decides which).
pub(super) fn cvv_schema() -> Value {
    json!({
        "type": "string",
        "format": "password",
        "description": "Security code: 3 or 4 digits, as the card's brand has.",
        "maxLength": paysession_core::card::CVV_INPUT_MAX,
        "pattern": "^[0-9]{3,4}$",
    })
}

/// Merges `with`'s keys into the object at `pointer` (nothing if it is absent;
/// a test checks every one is there).
pub(super) fn merge(doc: &mut Value, pointer: &str, with: Value) {
    if let (Some(Value::Object(at)), Value::Object(with)) = (doc.pointer_mut(pointer), with) {
        at.extend(with);
    }
}
