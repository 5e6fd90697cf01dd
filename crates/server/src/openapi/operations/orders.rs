//! The operations of orders (captures, cancel, refunds) and of test mode.

use super::super::op::{Auth::Secret, Op};
use utoipa::openapi::path::HttpMethod::{Get, Post};

/// Orders: create, read, capture, cancel, refund.
pub(super) fn orders() -> Vec<Op> {
    vec![
        Op::new(Post, "/v1/orders", "createOrder", "orders", "Create an order from a funded session", Secret)
            .describe("Only a `requires_confirmation` session makes an order (else `400 order_submit_failed`); its sources are consumed.")
            .body("CreateOrder")
            .idempotent()
            .versioned()
            .errors(&[404])
            .ok(201, "Order", "The order."),
        Op::new(Get, "/v1/orders/{id}", "retrieveOrder", "orders", "Retrieve an order", Secret)
            .describe("A manual authorization past `authorizationExpiresAt` is expired first (what is not captured is released, `payment.expired`).")
            .errors(&[404])
            .ok(200, "Order", "The order."),
        Op::new(Post, "/v1/orders/{id}/captures", "captureOrder", "orders", "Capture an authorized order (in full or in part)", Secret)
            .describe("Only an order of a `capture: \"manual\"` session that is `authorized` or `partially_captured`. `amount` defaults to everything still capturable; several partial captures add up to the authorized amount at most (`400 amount_exceeds_capturable`). `final: true`, or a capture of all that remains, releases the rest. Refused: `order_already_captured`, `order_voided`, `authorization_expired`, `payment_pending`, `payment_failed`.")
            .body("CreateCapture")
            .idempotent()
            .errors(&[400, 404])
            .ok(200, "Order", "The order after the capture."),
        Op::new(Post, "/v1/orders/{id}/cancel", "cancelOrder", "orders", "Cancel (void) what an order has not captured", Secret)
            .describe("Releases everything not captured (a gift card gets it back): `voided`, or `captured` after a partial capture. Refused: `order_already_captured`, `order_voided`, `authorization_expired`, `payment_pending`, `payment_failed`.")
            .idempotent()
            .errors(&[400, 404])
            .ok(200, "Order", "The order after the cancel."),
        Op::new(Post, "/v1/orders/{id}/refunds", "refundOrder", "orders", "Refund an order (in full or in part)", Secret)
            .describe("`amount` defaults to everything refundable; never more than was captured less what was refunded or is being refunded, per payment (`400 amount_exceeds_refundable`). The primary payment gives back first, then the gift cards (last attached first; their balance is restored). A refund touching a SEPA Direct Debit or wire transfer payment is `pending` until it succeeds or fails; others succeed at once.")
            .body("CreateRefund")
            .idempotent()
            .errors(&[400, 404])
            .ok(201, "Refund", "The refund."),
        Op::new(Get, "/v1/refunds/{id}", "retrieveRefund", "orders", "Retrieve a refund", Secret)
            .errors(&[404])
            .ok(200, "Refund", "The refund."),
    ]
}

/// Test mode: the simulator's asynchronous outcomes.
pub(super) fn test_mode() -> Vec<Op> {
    vec![
        Op::new(Post, "/v1/test/sources/{id}/funds", "testFunds", "test mode", "Test mode: a wire transfer's funds arrive, a SEPA debit settles", Secret)
            .describe("The source's pending payment in its order is captured (`payment.captured`; `order.paid` when that completes the order). A test secret key (`sk_test_…`) only, else `403 test_mode_only`. A payment that is not pending, or a source in no order, is `400 source_state_invalid`.")
            .idempotent()
            .errors(&[400, 403, 404])
            .ok(200, "Order", "The order."),
        Op::new(Post, "/v1/test/sources/{id}/return", "testReturn", "test mode", "Test mode: the money never arrives (a returned SEPA debit)", Secret)
            .describe("The source's pending payment fails (`payment.failed`) and the source moves from `consumed` to `failed` (`source.failed`), in one transaction. Test secret key only.")
            .idempotent()
            .errors(&[400, 403, 404])
            .ok(200, "Order", "The order."),
        Op::new(Post, "/v1/test/sources/{id}/approve", "testApprove", "test mode", "Test mode: a redirect payment approved without the shopper's return", Secret)
            .describe("`pending_redirect` → `chargeable` (`source.chargeable`); any other state is `400 source_state_invalid`. Test secret key only.")
            .errors(&[400, 403, 404])
            .ok(200, "Source", "The source."),
        Op::new(Post, "/v1/test/sources/{id}/cancel", "testCancel", "test mode", "Test mode: a redirect payment cancelled without the shopper's return", Secret)
            .describe("`pending_redirect` → `cancelled` (`source.cancelled`). Test secret key only.")
            .errors(&[400, 403, 404])
            .ok(200, "Source", "The source."),
        Op::new(Post, "/v1/test/authorizations/sweep", "testSweep", "test mode", "Test mode: run the authorization expiry sweep now", Secret)
            .describe("Expires the caller's manual authorizations that are past `authorizationExpiresAt` (`payment.expired`), as the server's own sweep does every `--sweep-interval` seconds for every merchant. Test secret key only.")
            .errors(&[403])
            .ok(200, "Swept", "How many orders this pass expired."),
        Op::new(Post, "/v1/test/refunds/{id}/succeed", "testRefundSucceed", "test mode", "Test mode: a pending refund succeeds", Secret)
            .describe("`refund.succeeded`; a refund that is not pending is `400 refund_state_invalid`. Test secret key only.")
            .idempotent()
            .errors(&[400, 403, 404])
            .ok(200, "Refund", "The refund."),
        Op::new(Post, "/v1/test/refunds/{id}/fail", "testRefundFail", "test mode", "Test mode: a pending refund fails", Secret)
            .describe("`refund.failed`: its amount may be refunded again. Test secret key only.")
            .idempotent()
            .errors(&[400, 403, 404])
            .ok(200, "Refund", "The refund."),
    ]
}
