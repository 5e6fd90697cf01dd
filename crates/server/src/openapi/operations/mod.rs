//! The operations of the document, one module per area of the API, in the
//! order the document lists them: one per route of [`crate::routes::router`],
//! with every status each route answers.

mod events;
mod orders;
mod pages;
mod payments;

use super::op::Op;

/// Every operation, area by area.
pub(super) fn all() -> Vec<Op> {
    [
        payments::sessions(),
        payments::sources(),
        payments::customers(),
        orders::orders(),
        orders::test_mode(),
        events::events(),
        events::webhooks(),
        pages::documents(),
        pages::hosted_pages(),
        pages::test_wallet(),
        pages::health(),
    ]
    .into_iter()
    .flatten()
    .collect()
}
