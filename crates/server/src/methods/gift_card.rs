//! Test gift cards: number and PIN (core's syntax, then the processor's
//! cards), and the balance a source may take.

use super::{missing, At, Draft, Input};
use crate::{
    error::AppError,
    model::SessionRec,
    processor,
    store::{GiftCardKey, GiftOp},
    AppState,
};
use paysession_core::{
    gift_card,
    wire::{CreateSource, GiftCardView},
    Amount, Currency, ErrorCode,
};

/// The gift card of the request.
pub(super) fn input(req: &CreateSource) -> Result<Input, AppError> {
    let g = req.gift_card.as_ref().ok_or_else(|| missing("giftCard"))?;
    let number = g
        .number
        .as_ref()
        .ok_or_else(|| missing("giftCard.number"))?;
    let pin = g.pin.as_ref().ok_or_else(|| missing("giftCard.pin"))?;
    // Core's syntax rule first (the SDK's verdict), then the processor's cards.
    let nest = |e: paysession_core::ApiError| AppError::api(e.nest("giftCard"));
    let digits = gift_card::check_number(number.expose()).map_err(nest)?;
    let pin = gift_card::check_pin(pin.expose()).map_err(nest)?;
    if !processor::is_gift_card(&digits) {
        return Err(AppError::validation(
            ErrorCode::InvalidGiftCard,
            "giftCard.number",
            "The gift card number is not valid.",
        ));
    }
    if pin != processor::GIFT_CARD_PIN {
        return Err(AppError::validation(
            ErrorCode::InvalidGiftCard,
            "giftCard.pin",
            "The gift card PIN is not valid.",
        ));
    }
    Ok(Input::GiftCard {
        last4: digits.get(12..).unwrap_or_default().to_owned(),
        digits,
    })
}

/// A gift card's balance record key.
pub fn key(s: &AppState, merchant: &str, digits: &str) -> GiftCardKey {
    GiftCardKey {
        merchant: merchant.to_owned(),
        card: s.vault.fingerprint(merchant, digits),
    }
}

/// What a gift card has available now in `currency`: a card seen before
/// keeps its currency; an unknown card is issued on its first hold.
pub fn available(
    s: &AppState,
    card: &GiftCardKey,
    currency: Currency,
    now: i64,
    parameter: &str,
) -> Result<u64, AppError> {
    match s.store.gift_balance(card, now)? {
        None => Ok(processor::GIFT_CARD_BALANCE),
        Some(b) if b.currency != currency => Err(AppError::validation(
            ErrorCode::InvalidGiftCard,
            parameter,
            format!(
                "This gift card holds {}; the session is in {}.",
                b.currency.as_str(),
                currency.as_str()
            ),
        )),
        Some(b) => Ok(b.available),
    }
}

/// The gift-card source's create branch.
pub(super) fn create(
    last4: &str,
    digits: &str,
    at: &At,
    rec: &mut SessionRec,
    d: &mut Draft,
) -> Result<(), AppError> {
    let (s, merchant, now) = (at.s, at.merchant, at.now);
    let key = key(s, merchant, digits);
    let available = available(s, &key, rec.currency, now, "giftCard.number")?;
    if available == 0 {
        return Err(AppError::validation(
            ErrorCode::InsufficientFunds,
            "giftCard.number",
            "The gift card has no balance left.",
        ));
    }
    d.src.amount = Amount(available.min(rec.secondary_room("")));
    d.src.gift_card = Some(GiftCardView {
        last_four_digits: last4.to_owned(),
        balance: Amount(available),
    });
    d.rec.balance = Some(available);
    d.rec.gift_card = Some(key.card);
    Ok(())
}

/// The hold a gift card `key` (source `source_id`) takes when attached to
/// `rec`: what it has, at most what the other secondary sources leave.
pub fn hold(
    s: &AppState,
    key: GiftCardKey,
    source_id: &str,
    rec: &SessionRec,
    now: i64,
) -> Result<(GiftOp, u64), AppError> {
    let available = available(s, &key, rec.currency, now, "sourceId")?;
    let room = rec.secondary_room(source_id);
    let amount = available.min(room);
    if amount == 0 {
        return Err(if available == 0 {
            AppError::validation(
                ErrorCode::InsufficientFunds,
                "sourceId",
                "The gift card has no balance left.",
            )
        } else {
            AppError::validation(
                ErrorCode::InvalidParameter,
                "sourceId",
                "Secondary sources already cover the session's amount.",
            )
        });
    }
    let op = GiftOp::Hold {
        card: key,
        currency: rec.currency,
        initial: crate::processor::GIFT_CARD_BALANCE,
        source_id: source_id.to_owned(),
        session_id: rec.id.clone(),
        amount,
        expires: rec.expires,
    };
    Ok((op, amount))
}

/// What an order does with a gift card's hold: captures what it contributes
/// (`amount`), or releases the hold when it contributes nothing.
pub fn settle(source_id: &str, amount: u64, order_id: &str) -> GiftOp {
    if amount > 0 {
        GiftOp::Capture {
            source_id: source_id.to_owned(),
            amount,
            order_id: order_id.to_owned(),
        }
    } else {
        GiftOp::Release {
            source_id: source_id.to_owned(),
        }
    }
}
