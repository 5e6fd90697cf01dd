//! The routes outside the API proper: documents, hosted pages and their assets, the test wallet, health.

use super::super::op::{string, Auth, Op};
use super::super::shared::PATH;
use utoipa::openapi::path::HttpMethod::{Get, Post};

/// The message catalogs and this document.
pub(super) fn documents() -> Vec<Op> {
    vec![
        Op::new(
            Get,
            "/v1/locales/{locale}",
            "localeCatalog",
            "assets",
            "The drop-in's message catalog for a locale",
            Auth::None,
        )
        .describe("No key: the texts are the same for every merchant. Cached a day.")
        .errors(&[404])
        .ok(200, "Catalog", "Message ids and their texts."),
        Op::new(Get, PATH, "openApi", "assets", "This document", Auth::None)
            .describe("No key; cacheable. Generate a client from it.")
            .ok_as(200, "application/json", "The OpenAPI 3.1 document."),
    ]
}

/// The hosted pages (3-D Secure challenge, redirect approval, legal texts, the secure field) and their assets.
pub(super) fn hosted_pages() -> Vec<Op> {
    vec![
        Op::new(Get, "/hosted/challenge/{id}", "challengePage", "hosted pages", "3-D Secure challenge page (HTML)", Auth::None)
            .describe("Shown in an iframe of the shop's page (`nextAction.url`). Test password: `password`. Errors are JSON `ApiError`s.")
            .query("clientSecret", true, string().into(), "The source's client secret.")
            .query("origin", false, string().into(), "The embedding page's origin: the frame may be embedded there (one of the merchant's origins) and posts its result to it.")
            .errors(&[400, 403, 404, 503])
            .ok_as(200, "text/html", "The challenge form, or the result once answered."),
        Op::new(Post, "/hosted/challenge/{id}", "challengeSubmit", "hosted pages", "Answer a 3-D Secure challenge (HTML form)", Auth::None)
            .form(vec![
                ("clientSecret", string(), true),
                ("password", string().format(Some(utoipa::openapi::SchemaFormat::KnownFormat(utoipa::openapi::KnownFormat::Password))), false),
                ("origin", string(), false),
            ])
            .errors(&[403, 404, 503])
            .ok_as(200, "text/html", "The result page; it posts `{sourceId, state}` to the embedding page."),
        Op::new(Get, "/hosted/redirect/{id}", "redirectPage", "hosted pages", "Redirect approval page (HTML)", Auth::None)
            .describe("The test PayPal / Klarna / iDEAL page (`redirect.redirectUrl`): Approve or Cancel.")
            .query("clientSecret", true, string().into(), "The source's client secret.")
            .errors(&[400, 403, 404, 503])
            .ok_as(200, "text/html", "The approval page, or a note that the payment was handled."),
        Op::new(Post, "/hosted/redirect/{id}", "redirectSubmit", "hosted pages", "Approve or cancel a redirect payment (HTML form)", Auth::None)
            .form(vec![
                ("clientSecret", string(), true),
                ("action", string().enum_values(Some(["approve", "cancel"])), true),
            ])
            .errors(&[403, 404, 503])
            .see_other(),
        Op::new(Get, "/hosted/assets/hosted.js", "hostedScript", "assets", "The hosted pages' script", Auth::None)
            .ok_as(200, "text/javascript", "The script."),
        Op::new(Get, "/hosted/assets/hosted.css", "hostedStyle", "assets", "The hosted pages' stylesheet", Auth::None)
            .ok_as(200, "text/css", "The stylesheet."),
        Op::new(Get, "/hosted/assets/icons/{name}", "methodIcon", "assets", "A payment method's icon (`images.iconImage`)", Auth::None)
            .errors(&[404])
            .ok_as(200, "image/svg+xml", "The icon."),
        Op::new(Get, "/hosted/legal/{doc}", "legalText", "hosted pages", "A compliance text (`compliance.*.url`, HTML)", Auth::None)
            .errors(&[404])
            .ok_as(200, "text/html", "The text."),
        Op::new(Get, "/hosted/field", "secureFieldFrame", "hosted pages", "A secure card field's frame, by way of the API", Auth::None)
            .query("k", false, string().into(), "The public key (`pk_…`).")
            .query("o", false, string().into(), "The embedding page's origin.")
            .describe("`302` to the fields origin's `/field` with the same query (`k`: the public key, `o`: the page's origin). The drop-in creates its card frames with this URL at `mount`, before the payment-methods answer names the fields origin (`fieldsUrl`). `404` when the server runs no fields origin.")
            .errors(&[404])
            .found(),
    ]
}

/// The test wallet's payment app.
pub(super) fn test_wallet() -> Vec<Op> {
    vec![
        Op::new(Get, "/hosted/wallet/pay", "testWalletMethod", "hosted pages", "The test wallet's payment method identifier", Auth::None)
            .describe("Test mode's simulated wallet (`testWallet.supportedMethods`): a Payment Handler. Answers a `Link` to its payment method manifest (`rel=\"payment-method-manifest\"`).")
            .ok_as(200, "text/plain", "A note; the `Link` header is what the browser reads."),
        Op::new(Get, "/hosted/wallet/manifest.json", "testWalletMethodManifest", "hosted pages", "The test wallet's payment method manifest", Auth::None)
            .ok_as(200, "application/json", "`default_applications`: the payment app's web app manifest."),
        Op::new(Get, "/hosted/wallet/app.json", "testWalletAppManifest", "hosted pages", "The test wallet's web app manifest", Auth::None)
            .ok_as(200, "application/manifest+json", "Name, icon and `serviceworker` of the payment app."),
        Op::new(Get, "/hosted/wallet/icon.png", "testWalletIcon", "assets", "The test wallet's icon", Auth::None)
            .ok_as(200, "image/png", "The icon."),
        Op::new(Get, "/hosted/wallet/sw.js", "testWalletServiceWorker", "assets", "The test wallet's service worker (the payment app)", Auth::None)
            .ok_as(200, "text/javascript", "The script."),
        Op::new(Get, "/hosted/wallet/window", "testWalletWindow", "hosted pages", "The test wallet's window (HTML)", Auth::None)
            .describe("Opened by the service worker for a `PaymentRequest`: the total, the wallet's cards (masked), Pay and Cancel.")
            .ok_as(200, "text/html", "The window."),
        Op::new(Get, "/hosted/wallet/window.js", "testWalletWindowScript", "assets", "The test wallet window's script", Auth::None)
            .ok_as(200, "text/javascript", "The script."),
        Op::new(Post, "/hosted/wallet/tokens", "issueTestWalletToken", "hosted pages", "Issue a test wallet token", Auth::None)
            .describe("Test mode only (a `pk_test_…` merchant's open session, else 404). The token pays `type` for this session and amount once, within 5 minutes: `POST /v1/sources {type, sessionId, <type>: {token}}`.")
            .body("WalletTokenRequest")
            .errors(&[400, 404])
            .ok(201, "WalletToken", "The token and the card's last four digits."),
    ]
}

/// Liveness and readiness.
pub(super) fn health() -> Vec<Op> {
    vec![
        Op::new(Get, "/healthz", "health", "assets", "Liveness", Auth::None)
            .describe("The process answers (liveness).")
            .ok_as(200, "text/plain", "`ok`."),
        Op::new(Get, "/readyz", "ready", "assets", "Readiness", Auth::None)
            .describe("The store answers (readiness): a load balancer takes an instance that answers 503 out. The probe is bounded: a database that does not answer within 1 s is a 503 at once.")
            .errors(&[503])
            .ok(200, "StoreHealth", "The store's engine and counters."),
    ]
}
