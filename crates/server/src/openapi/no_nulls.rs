//! The document without `null`s, as the API has none.

use serde_json::Value;

/// This API has no `null`s (answers omit absent fields; requests with a
/// `null` are refused), so an `Option` field is "may be absent", never
/// "may be null": drops the `null` alternatives the derive gives `Option`s
/// (and rustdoc's link brackets from descriptions).
pub(super) fn no_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if let Some(Value::Array(types)) = m.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let t = types.remove(0);
                    m.insert("type".into(), t);
                }
            }
            for key in ["oneOf", "anyOf"] {
                let Some(Value::Array(alts)) = m.get_mut(key) else {
                    continue;
                };
                alts.retain(|a| a.get("type").is_none_or(|t| t != "null"));
                if alts.len() == 1 {
                    let one = alts.remove(0);
                    m.remove(key);
                    // Merge the one alternative into this schema (its
                    // siblings, e.g. `description`, stay).
                    if let Value::Object(o) = one {
                        for (k, x) in o {
                            m.entry(k).or_insert(x);
                        }
                    }
                }
            }
            // Doc comments become descriptions: rustdoc's link brackets go.
            if let Some(Value::String(d)) = m.get_mut("description") {
                *d = d.replace("[`", "`").replace("`]", "`");
            }
            m.values_mut().for_each(no_nulls);
        }
        Value::Array(a) => a.iter_mut().for_each(no_nulls),
        _ => {}
    }
}
