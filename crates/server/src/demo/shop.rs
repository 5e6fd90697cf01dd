//! The demo shop's catalog: its products and prices, the markets it sells
//! to, and the pricing of a cart (the browser never sends an amount).

use crate::error::AppError;
use axum::Json;
use paysession_core::ErrorCode;
use serde::Deserialize;
use serde_json::{json, Value};

/// One product: prices in minor units per currency.
struct Product {
    sku: &'static str,
    name: &'static str,
    description: &'static str,
    prices: &'static [(&'static str, u64)],
}

const PRODUCTS: &[Product] = &[
    Product {
        sku: "mug",
        name: "Rust-coloured mug",
        description: "Stoneware, 350 ml. Holds coffee while the borrow checker thinks.",
        prices: &[
            ("EUR", 1299),
            ("USD", 1399),
            ("GBP", 1099),
            ("JPY", 1900),
            ("AED", 5200),
        ],
    },
    Product {
        sku: "stickers",
        name: "WebAssembly sticker pack",
        description: "Twelve vinyl stickers for the laptop that ships small bundles.",
        prices: &[
            ("EUR", 500),
            ("USD", 550),
            ("GBP", 450),
            ("JPY", 750),
            ("AED", 2000),
        ],
    },
    Product {
        sku: "plush",
        name: "Ferris plush",
        description: "A soft crab, 25 cm, safe for ages 3 and up.",
        prices: &[
            ("EUR", 2499),
            ("USD", 2699),
            ("GBP", 2199),
            ("JPY", 3600),
            ("AED", 9900),
        ],
    },
];

/// Markets the shop sells to: country, currency, locale of the drop-in, label.
const MARKETS: &[(&str, &str, &str, &str)] = &[
    ("DE", "EUR", "de-DE", "Germany (EUR)"),
    ("NL", "EUR", "en-US", "Netherlands (EUR)"),
    ("FR", "EUR", "fr-FR", "France (EUR)"),
    ("GB", "GBP", "en-US", "United Kingdom (GBP)"),
    ("US", "USD", "en-US", "United States (USD)"),
    ("JP", "JPY", "ja-JP", "Japan (JPY)"),
    ("AE", "AED", "ar", "United Arab Emirates (AED)"),
];

pub(super) async fn catalog() -> Json<Value> {
    let products: Vec<Value> = PRODUCTS
        .iter()
        .map(|p| {
            let prices: serde_json::Map<String, Value> = p
                .prices
                .iter()
                .map(|(c, a)| ((*c).to_owned(), json!(a)))
                .collect();
            json!({"sku": p.sku, "name": p.name, "description": p.description, "prices": prices})
        })
        .collect();
    let markets: Vec<Value> = MARKETS
        .iter()
        .map(|(country, currency, locale, label)| json!({"country": country, "currency": currency, "locale": locale, "label": label}))
        .collect();
    // The languages the drop-in speaks: the catalogs' tags, for the shop's language switch.
    let locales: Vec<&str> = crate::locales::CATALOGS.iter().map(|(t, _)| *t).collect();
    Json(json!({"products": products, "markets": markets, "locales": locales}))
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Item {
    sku: String,
    quantity: u32,
}

/// Prices the cart in the market's currency; the browser's view of prices is never used.
pub(super) fn price(items: &[Item], currency: &str) -> Result<u64, AppError> {
    let mut total: u64 = 0;
    for (i, item) in items.iter().enumerate() {
        let Some(p) = PRODUCTS.iter().find(|p| p.sku == item.sku) else {
            return Err(AppError::validation(
                ErrorCode::InvalidParameter,
                &format!("items[{i}].sku"),
                "No such product.",
            ));
        };
        if item.quantity > 9 {
            return Err(AppError::validation(
                ErrorCode::InvalidParameter,
                &format!("items[{i}].quantity"),
                "At most 9 of each product.",
            ));
        }
        let Some(&(_, unit)) = p.prices.iter().find(|(c, _)| *c == currency) else {
            return Err(AppError::validation(
                ErrorCode::InvalidCurrency,
                "currency",
                "This product is not sold in this currency.",
            ));
        };
        total += unit * item.quantity as u64;
    }
    if total == 0 {
        return Err(AppError::validation(
            ErrorCode::InvalidAmount,
            "items",
            "The cart is empty.",
        ));
    }
    Ok(total)
}

/// The lowest price of a product in `currency` (the account session's amount).
pub(super) fn cheapest(currency: &str) -> u64 {
    PRODUCTS
        .iter()
        .filter_map(|p| p.prices.iter().find(|(c, _)| *c == currency).map(|x| x.1))
        .min()
        .unwrap_or(100)
}

/// The market of `country` and `currency`: (country, currency, locale).
pub(super) fn market(
    country: &str,
    currency: &str,
) -> Result<(&'static str, &'static str, &'static str), AppError> {
    MARKETS
        .iter()
        .find(|(co, cu, _, _)| *co == country && *cu == currency)
        .map(|&(co, cu, l, _)| (co, cu, l))
        .ok_or_else(|| {
            AppError::validation(
                ErrorCode::InvalidCountry,
                "country",
                "The shop does not sell to this market.",
            )
        })
}
