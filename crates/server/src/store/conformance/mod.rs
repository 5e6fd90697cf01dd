//! The store contract ([`super`]) as tests every engine runs: each engine's
//! test module calls `conformance::suite!(open)` with a function that opens a
//! fresh, empty store (`Option::None` skips, for an engine not available).
//! Races use real threads on one store, as the server's blocking tasks do.
//! `races` and `money` hold the contract's rules; `conflicts` the answer of
//! every step to every condition it refuses (duplicate ids included).

mod conflicts;
mod events;
mod money;
mod orders;
mod races;
pub mod upgrade;
mod webhooks;

pub use conflicts::*;
pub use events::*;
pub use money::*;
pub use orders::*;
pub use races::*;
pub use webhooks::*;

use super::{Commit, Conflict, GiftCardKey, GiftOp, IdemRecord, Idempotent, Store, Write};
use crate::config::KeyKind;
use crate::model::{CustomerRec, OrderRec, PaymentMethodRec, SessionRec, SourceRec};
use paysession_core::{country::Country, state::SourceState, wire, Amount, Currency};
use std::sync::Arc;

/// One `#[test]` per case, for the engine `open` opens.
macro_rules! suite {
    ($open:ident) => {
        $crate::store::conformance::suite!(@cases $open:
            versioned_updates_have_one_winner,
            racing_source_transitions_have_one_winner,
            one_idempotency_key_makes_one_write,
            checks_hold_until_commit,
            racing_holds_never_exceed_the_balance,
            racing_captures_debit_once,
            a_refused_condition_rolls_back_the_whole_write,
            a_source_is_saved_as_one_method,
            a_deleted_method_pays_nothing,
            reads_see_every_acknowledged_write,
            a_duplicate_session_id_is_a_session_conflict,
            a_duplicate_source_id_is_a_source_conflict,
            a_duplicate_order_id_is_an_order_conflict,
            a_duplicate_customer_id_is_a_customer_conflict,
            a_duplicate_method_id_or_source_is_a_method_conflict,
            a_second_capture_of_a_source_is_a_balance_conflict,
            a_missing_row_refuses_every_conditional_step,
            a_short_or_missing_hold_refuses_the_capture,
            the_first_refused_step_names_the_conflict,
            every_change_records_one_event,
            a_refused_write_records_no_event,
            racing_writes_record_only_the_winners_events,
            event_pages_are_newest_first_and_filtered,
            racing_order_updates_have_one_winner,
            an_order_update_records_its_events_and_refunds,
            a_credit_beyond_the_debits_rolls_the_write_back,
            due_authorizations_are_the_open_ones_past_their_expiry,
            an_event_gets_one_delivery_per_matching_endpoint,
            a_lease_keeps_a_delivery_from_others_until_it_runs_out,
            racing_claims_take_each_delivery_once,
            racing_creates_never_pass_the_endpoint_cap,
            clear_secrets_are_sealed_once
        );
    };
    (@cases $open:ident: $($case:ident),* $(,)?) => {
        mod conformance_suite {
            use crate::store::conformance as c;
            fn open() -> Option<std::sync::Arc<dyn crate::store::Store>> {
                super::$open()
                    .map(|s| std::sync::Arc::new(s) as std::sync::Arc<dyn crate::store::Store>)
            }
            $(
                #[test]
                fn $case() {
                    if let Some(s) = open() {
                        c::$case(s)
                    }
                }
            )*
        }
    };
}
pub(crate) use suite;

/// Threads in each race.
pub const THREADS: usize = 24;

pub fn eur() -> Currency {
    Currency::parse("EUR").unwrap()
}

/// A session record.
pub fn session(id: &str) -> SessionRec {
    SessionRec {
        id: id.into(),
        merchant_id: "m".into(),
        client_secret: "cs".into(),
        version: 1,
        amount: Amount(1000),
        currency: eur(),
        country: Country::parse("DE").unwrap(),
        owner: None,
        shipping: None,
        reference: None,
        locale: None,
        metadata: None,
        customer_id: None,
        card: None,
        attached: vec![],
        order_id: None,
        failed_attempts: 0,
        require_terms: false,
        terms_acceptance: None,
        wallet_tokens: Vec::new(),
        capture: Default::default(),
        created: 0,
        updated: 0,
        expires: 1_000,
    }
}

/// A source record in `state`.
pub fn source(id: &str, state: SourceState) -> SourceRec {
    let v = serde_json::json!({
        "merchant_id": "m", "challenged": false,
        "source": {
            "id": id, "clientSecret": "cs", "sessionId": "ses_1", "type": "giftCard",
            "state": state, "flow": "standard", "reusable": false, "amount": 100,
            "currency": "EUR", "createdTime": "t", "updatedTime": "t"
        }
    });
    serde_json::from_value(v).unwrap()
}

pub fn write(w: Write) -> Write {
    Write { now: 10, ..w }
}

/// Runs `f(i)` on `n` threads at once; their results in order.
pub fn race<T: Send + 'static>(n: usize, f: impl Fn(usize) -> T + Send + Sync + 'static) -> Vec<T> {
    let f = Arc::new(f);
    let gate = Arc::new(std::sync::Barrier::new(n));
    let threads: Vec<_> = (0..n)
        .map(|i| {
            let (f, gate) = (f.clone(), gate.clone());
            std::thread::spawn(move || {
                gate.wait();
                f(i)
            })
        })
        .collect();
    threads.into_iter().map(|t| t.join().unwrap()).collect()
}

/// The indexes of the writes that committed.
pub fn winners(results: &[Commit]) -> Vec<usize> {
    (0..results.len())
        .filter(|i| results[*i] == Commit::Done)
        .collect()
}

#[track_caller]
pub fn done(s: &Arc<dyn Store>, w: Write) {
    assert_eq!(s.commit(write(w)).unwrap(), Commit::Done);
}

/// Stores an idempotency record under `kp` with the public key and `ks` with
/// the secret key, and checks each is found under its own kind only. The
/// engine's own test then reads the raw rows: `key_kind` must stay `pk` / `sk`.
pub fn both_key_kinds(s: &dyn Store) {
    for (key, kind) in [("kp", KeyKind::Public), ("ks", KeyKind::Secret)] {
        let w = write(Write {
            idempotency: Some(idem(key, kind, 201)),
            ..Default::default()
        });
        assert_eq!(s.commit(w).unwrap(), Commit::Done);
    }
    assert!(s.idempotent("m", KeyKind::Public, "kp").unwrap().is_some());
    assert!(s.idempotent("m", KeyKind::Secret, "kp").unwrap().is_none());
    assert!(s.idempotent("m", KeyKind::Secret, "ks").unwrap().is_some());
}

/// The stored `(key, key_kind)` of [`both_key_kinds`].
pub const STORED_KEY_KINDS: [(&str, &str); 2] = [("kp", "pk"), ("ks", "sk")];

pub fn idem(key: &str, kind: KeyKind, status: u16) -> IdemRecord {
    IdemRecord {
        merchant: "m".into(),
        kind,
        key: key.into(),
        response: Idempotent {
            request_hash: format!("h{status}"),
            status,
            body: status.to_string().into_bytes(),
        },
    }
}

pub fn card() -> GiftCardKey {
    GiftCardKey {
        merchant: "m".into(),
        card: "fp".into(),
    }
}

pub fn hold(source: &str, amount: u64, currency: Currency) -> GiftOp {
    GiftOp::Hold {
        card: card(),
        currency,
        initial: 500,
        source_id: source.into(),
        session_id: format!("ses_{source}"),
        amount,
        expires: 100,
    }
}

pub fn customer(id: &str) -> CustomerRec {
    CustomerRec {
        id: id.into(),
        merchant_id: "m".into(),
        email: None,
        reference: None,
        metadata: None,
        created: 1,
    }
}

pub fn method(id: &str, source: &str) -> PaymentMethodRec {
    PaymentMethodRec {
        id: id.into(),
        merchant_id: "m".into(),
        customer_id: "cus_1".into(),
        source_id: source.into(),
        usage: paysession_core::wire::Usage::Convenience,
        brand: paysession_core::card::Brand::Visa,
        last_four_digits: "4242".into(),
        expiration_month: 12,
        expiration_year: 2040,
        fingerprint: "f".into(),
        number_sealed: Some("sealed".into()),
        created: 5,
        deleted: false,
    }
}

/// An order record for session `session`.
pub fn order(id: &str, session: &str) -> OrderRec {
    OrderRec {
        merchant_id: "m".into(),
        order: wire::Order {
            id: id.into(),
            session_id: session.into(),
            state: "complete".into(),
            amount: Amount(1000),
            currency: eur(),
            sources: vec![],
            created_time: "t".into(),
            version: 0,
            capture: Default::default(),
            payment_state: Default::default(),
            amount_captured: 0,
            amount_refunded: 0,
            authorization_expires_at: None,
            payments: vec![],
            captures: vec![],
            refunds: vec![],
        },
        authorization_expires: None,
    }
}

/// The write `w` at now = 10; asserts what it answers.
#[track_caller]
pub fn answers(s: &Arc<dyn Store>, w: Write, want: Commit) {
    assert_eq!(s.commit(write(w)).unwrap(), want);
}

/// `w`, carrying an idempotency record under `key` as the witness that
/// nothing of it was kept, answers `conflict`.
#[track_caller]
pub fn refused(s: &Arc<dyn Store>, key: &str, w: Write, conflict: Conflict) {
    let w = Write {
        idempotency: Some(idem(key, KeyKind::Secret, 201)),
        ..w
    };
    answers(s, w, Commit::Conflict(conflict));
    assert!(
        s.idempotent("m", KeyKind::Secret, key).unwrap().is_none(),
        "{key}: the refused write left its idempotency record"
    );
}
