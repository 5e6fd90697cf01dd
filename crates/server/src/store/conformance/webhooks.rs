//! Webhook deliveries (store/webhooks.rs): one per committed event and
//! matching live endpoint, in the event's transaction; claims are leases
//! no two workers hold together; outcomes only under the lease.

use super::*;
use crate::store::webhooks::{state, Attempt, Endpoint, Next};

fn endpoint(id: &str, merchant: &str, types: &[&str]) -> Endpoint {
    Endpoint {
        id: id.into(),
        merchant: merchant.into(),
        url: "https://hooks.example/".into(),
        types: types.iter().map(|t| t.to_string()).collect(),
        secret: "whsec_conformance_0123456789abcdef".into(),
        old_secret: None,
        old_until: None,
        created: 1,
        deleted: false,
    }
}

fn attempt(delivery: &str, n: i64, status: i64) -> Attempt {
    Attempt {
        delivery_id: delivery.into(),
        n,
        started: 1,
        duration_ms: 2,
        status: Some(status),
        error: None,
        response: "ok".into(),
    }
}

fn new_session(s: &Arc<dyn Store>, id: &str) {
    let w = Write {
        insert_session: Some(session(id)),
        ..Default::default()
    };
    assert_eq!(s.commit(w).unwrap(), Commit::Done);
}

/// Every pending delivery (claimed far in the future, then read back).
fn all_deliveries(s: &Arc<dyn Store>, endpoint: &str) -> Vec<crate::store::webhooks::Delivery> {
    s.deliveries(&crate::store::webhooks::DeliveryQuery {
        endpoint_id: endpoint.into(),
        limit: 1000,
        ..Default::default()
    })
    .unwrap()
}

pub fn an_event_gets_one_delivery_per_matching_endpoint(s: Arc<dyn Store>) {
    assert!(s
        .endpoint_put(&endpoint("we_all", "m", &["*"]), false)
        .unwrap());
    assert!(!s
        .endpoint_put(&endpoint("we_all", "m", &["*"]), false)
        .unwrap());
    s.endpoint_put(
        &endpoint("we_created", "m", &["session.created", "order.created"]),
        false,
    )
    .unwrap();
    s.endpoint_put(&endpoint("we_updated", "m", &["session.updated"]), false)
        .unwrap();
    s.endpoint_put(&endpoint("we_other", "other", &["*"]), false)
        .unwrap();
    s.endpoint_put(&endpoint("we_gone", "m", &["*"]), false)
        .unwrap();
    assert!(s.endpoint_delete("we_gone", "m").unwrap());
    assert!(!s.endpoint_delete("we_gone", "m").unwrap());
    assert!(!s.endpoint_delete("we_all", "other").unwrap());
    new_session(&s, "s1");
    // A refused write (the same id again) makes no event and no delivery.
    let dup = Write {
        insert_session: Some(session("s1")),
        ..Default::default()
    };
    assert_eq!(s.commit(dup).unwrap(), Commit::Conflict(Conflict::Session));
    let ev = s
        .events(&crate::store::events::EventQuery {
            merchant: "m".into(),
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(ev.len(), 1);
    for (ep, n) in [
        ("we_all", 1),
        ("we_created", 1),
        ("we_updated", 0),
        ("we_other", 0),
        ("we_gone", 0),
    ] {
        let ds = all_deliveries(&s, ep);
        assert_eq!(ds.len(), n, "{ep}");
        for d in ds {
            assert_eq!(d.event_id, ev[0].row.id);
            assert_eq!((d.state.as_str(), d.attempts), (state::PENDING, 0));
        }
    }
    let live: Vec<String> = s
        .endpoints("m")
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(live.len(), 3, "{live:?}");
    assert!(!live.contains(&"we_gone".to_string()));
}

pub fn a_lease_keeps_a_delivery_from_others_until_it_runs_out(s: Arc<dyn Store>) {
    s.endpoint_put(&endpoint("we_1", "m", &["*"]), false)
        .unwrap();
    new_session(&s, "s1");
    let t = crate::store::webhooks::now_ms() + 10;
    let first = s.deliveries_claim("L1", t, 1000, 10).unwrap();
    assert_eq!(first.len(), 1);
    let d = &first[0].delivery;
    assert_eq!(d.attempts, 1);
    assert_eq!(first[0].endpoint.id, "we_1");
    assert_eq!(first[0].event.object_id, "s1");
    // Held: nobody else claims it, nor writes its outcome.
    assert!(s
        .deliveries_claim("L2", t + 999, 1000, 10)
        .unwrap()
        .is_empty());
    assert!(!s
        .delivery_finish("L2", &attempt(&d.id, 1, 200), Next::Succeeded)
        .unwrap());
    // Run out: another worker takes it over; the first one's outcome is dropped.
    let again = s.deliveries_claim("L3", t + 1000, 1000, 10).unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].delivery.attempts, 2);
    assert!(!s
        .delivery_finish("L1", &attempt(&d.id, 1, 200), Next::Succeeded)
        .unwrap());
    assert!(s
        .delivery_finish("L3", &attempt(&d.id, 2, 500), Next::RetryAt(t + 5000))
        .unwrap());
    assert!(s
        .deliveries_claim("L4", t + 4999, 1000, 10)
        .unwrap()
        .is_empty());
    assert_eq!(s.deliveries_next_due().unwrap(), Some(t + 5000));
    let third = s.deliveries_claim("L4", t + 5000, 1000, 10).unwrap();
    assert_eq!(third[0].delivery.attempts, 3);
    assert!(s
        .delivery_finish("L4", &attempt(&d.id, 3, 200), Next::Succeeded)
        .unwrap());
    // Done: claimed by nobody, twice finished by nobody.
    assert!(s
        .deliveries_claim("L5", t + 99_999, 1000, 10)
        .unwrap()
        .is_empty());
    assert!(!s
        .delivery_finish("L4", &attempt(&d.id, 3, 200), Next::Succeeded)
        .unwrap());
    let stored = s.delivery(&d.id).unwrap().unwrap();
    assert_eq!(
        (stored.state.as_str(), stored.attempts),
        (state::SUCCEEDED, 3)
    );
    let statuses: Vec<_> = s
        .attempts(&d.id)
        .unwrap()
        .iter()
        .map(|a| (a.n, a.status))
        .collect();
    // The attempt cut by the lost lease has no record: 2 recorded of 3 started.
    assert_eq!(statuses, vec![(2, Some(500)), (3, Some(200))]);
    // A redelivery makes it due again, with a fresh window.
    assert!(s.delivery_redeliver(&d.id, t + 100_000).unwrap());
    let re = s.delivery(&d.id).unwrap().unwrap();
    assert_eq!(
        (re.state.as_str(), re.window_start, re.next_at),
        (state::PENDING, t + 100_000, t + 100_000)
    );
    // Not while an attempt holds it.
    let held = s.deliveries_claim("L6", t + 100_000, 1000, 10).unwrap();
    assert_eq!(held.len(), 1);
    assert!(!s.delivery_redeliver(&d.id, t + 100_001).unwrap());
}

pub fn racing_claims_take_each_delivery_once(s: Arc<dyn Store>) {
    s.endpoint_put(&endpoint("we_1", "m", &["*"]), false)
        .unwrap();
    for i in 0..40 {
        new_session(&s, &format!("s{i}"));
    }
    let t = crate::store::webhooks::now_ms() + 10;
    let st = s.clone();
    let claimed: Vec<String> = race(THREADS, move |i| {
        st.deliveries_claim(&format!("L{i}"), t, 60_000, 3)
            .unwrap()
            .into_iter()
            .map(|c| c.delivery.id)
            .collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect();
    let unique: std::collections::HashSet<_> = claimed.iter().collect();
    assert_eq!(unique.len(), claimed.len(), "a delivery claimed twice");
    assert_eq!(
        claimed.len(),
        40,
        "every due delivery claimed (24 × 3 ≥ 40)"
    );
}

/// `endpoint_create` counts and inserts in one transaction: racing creates
/// never pass the cap; deleted endpoints do not count; another merchant's
/// count is its own.
pub fn racing_creates_never_pass_the_endpoint_cap(s: Arc<dyn Store>) {
    const CAP: usize = 4;
    for round in 0..10 {
        let m = format!("m{round}");
        assert!(s
            .endpoint_create(&endpoint(&format!("we_{round}_gone"), &m, &["*"]), CAP)
            .unwrap());
        assert!(s.endpoint_delete(&format!("we_{round}_gone"), &m).unwrap());
        let st = s.clone();
        let mm = m.clone();
        let won = race(THREADS, move |i| {
            st.endpoint_create(&endpoint(&format!("we_{mm}_{i}"), &mm, &["*"]), CAP)
                .unwrap()
        })
        .into_iter()
        .filter(|w| *w)
        .count();
        assert_eq!(won, CAP, "round {round}");
        assert_eq!(s.endpoints(&m).unwrap().len(), CAP, "round {round}");
    }
    assert!(s
        .endpoint_create(&endpoint("we_elsewhere", "other", &["*"]), CAP)
        .unwrap());
}

/// `endpoints_seal` rewrites the secrets still in clear, once, and leaves
/// the sealed ones as they are.
pub fn clear_secrets_are_sealed_once(s: Arc<dyn Store>) {
    let mut rotated = endpoint("we_rotated", "m", &["*"]);
    rotated.secret = "whsec_conformance_new_0123456789abc".into();
    s.endpoint_put(&endpoint("we_clear", "m", &["*"]), false)
        .unwrap();
    s.endpoint_put(&rotated, false).unwrap();
    s.endpoint_rotate("we_rotated", "m", "whsec_conformance_newest_0123456789", 9)
        .unwrap()
        .unwrap();
    let mut sealed = endpoint("we_sealed", "m", &["*"]);
    sealed.secret = "00ff".repeat(20);
    s.endpoint_put(&sealed, false).unwrap();
    let seal = |id: &str, plain: &str| format!("{}{id}", plain.len());
    assert_eq!(s.endpoints_seal(&seal).unwrap(), 2);
    let get = |id: &str| s.endpoint(id).unwrap().unwrap();
    assert_eq!(get("we_clear").secret, "34we_clear");
    assert_eq!(get("we_rotated").secret, "35we_rotated");
    assert_eq!(
        get("we_rotated").old_secret.as_deref(),
        Some("35we_rotated")
    );
    assert_eq!(get("we_sealed").secret, "00ff".repeat(20));
    // Nothing left in clear: a second pass writes nothing.
    assert_eq!(s.endpoints_seal(&seal).unwrap(), 0);
}
