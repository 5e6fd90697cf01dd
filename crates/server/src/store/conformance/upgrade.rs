//! Rows written by the code before the store's own records (commit 9b2f0d7,
//! the same schema and serialization as d8d6ee5): `fixtures/v3-rows.json`,
//! one row of each kind of source, an order, a session, a customer and a
//! saved method, as that code serialized them. Each engine's tests build its
//! schema of then, insert these rows with the SQL of then, open the store
//! (which migrates) and read every row back here.

use crate::model::{CustomerRec, OrderRec, PaymentMethodRec, SessionRec, SourceRec};
use crate::store::Store;
use serde_json::Value;

/// The rows, as `[{table, id, <columns>, data}]`.
pub fn old_rows() -> Vec<Value> {
    serde_json::from_str(include_str!("../fixtures/v3-rows.json")).unwrap()
}

fn literal(v: &Value) -> String {
    match v {
        Value::String(s) => format!("'{}'", s.replace('\'', "''")),
        Value::Number(n) => n.to_string(),
        other => panic!("no literal for {other}"),
    }
}

/// The statements that inserted [`old_rows`] (the same text for both
/// engines: every column but `deleted`, which takes its default).
pub fn old_rows_sql() -> String {
    let mut sql = String::new();
    for row in old_rows() {
        let m = row.as_object().unwrap();
        let cols: Vec<&String> = m.keys().filter(|k| *k != "table").collect();
        let names: Vec<&str> = cols.iter().map(|k| k.as_str()).collect();
        let values: Vec<String> = cols.iter().map(|k| literal(&m[*k])).collect();
        sql += &format!(
            "INSERT INTO {} ({}) VALUES ({});\n",
            m["table"].as_str().unwrap(),
            names.join(", "),
            values.join(", ")
        );
    }
    sql
}

/// Every row of [`old_rows`] reads back through `s`, field for field as the
/// old code wrote it (the model's records still serialize as they did).
pub fn every_old_row_reads_back(s: &dyn Store) {
    let rows = old_rows();
    assert_eq!(rows.len(), 11);
    for row in rows {
        let id = row["id"].as_str().unwrap();
        let written: Value = serde_json::from_str(row["data"].as_str().unwrap()).unwrap();
        let read = match row["table"].as_str().unwrap() {
            "sources" => to_value::<SourceRec>(s.source(id).unwrap()),
            "orders" => lifecycle_defaults(to_value::<OrderRec>(s.order(id).unwrap())),
            "sessions" => to_value::<SessionRec>(s.session(id).unwrap()),
            "customers" => to_value::<CustomerRec>(s.customer(id).unwrap()),
            "payment_methods" => to_value::<PaymentMethodRec>(s.payment_method(id).unwrap()),
            other => panic!("a row of {other}"),
        };
        assert_eq!(read, written, "{id} reads back as written");
    }
    let card = s.source("src_card").unwrap().unwrap();
    assert_eq!(
        card.source.state,
        paysession_core::state::SourceState::Chargeable
    );
    assert_eq!(card.gift_key(), None);
    assert_eq!(
        s.source("src_gift")
            .unwrap()
            .unwrap()
            .gift_key()
            .unwrap()
            .card,
        "fp_gift"
    );
    assert_eq!(s.payment_methods("cus_fix").unwrap().len(), 1);
}

/// An order written before the lifecycle reads back automatic and captured
/// in full, each source its payment (asserted here); the rest is as written.
fn lifecycle_defaults(mut read: Value) -> Value {
    let o = read["order"].as_object_mut().unwrap();
    assert_eq!(o["capture"], "automatic");
    assert_eq!(o["paymentState"], "captured");
    assert_eq!(o["amountCaptured"], o["amount"]);
    assert_eq!(o["version"], 0);
    let payments = o["payments"].as_array().unwrap();
    assert_eq!(payments.len(), o["sources"].as_array().unwrap().len());
    for (p, src) in payments.iter().zip(o["sources"].as_array().unwrap()) {
        assert_eq!(
            (&p["sourceId"], &p["captured"]),
            (&src["id"], &src["amount"])
        );
    }
    for k in [
        "version",
        "capture",
        "paymentState",
        "amountCaptured",
        "amountRefunded",
        "payments",
        "captures",
        "refunds",
    ] {
        o.remove(k);
    }
    let top = read.as_object_mut().unwrap();
    assert_eq!(top.remove("authorization_expires"), Some(Value::Null));
    read
}

fn to_value<T: serde::Serialize>(rec: Option<T>) -> Value {
    serde_json::to_value(rec.expect("the row reads back")).unwrap()
}
