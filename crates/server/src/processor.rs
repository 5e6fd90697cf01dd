//! The processor simulator and its test data (docs/API.md, "Test data").

use paysession_core::{country::Country, ErrorCode};

/// What the simulated issuer says about a card.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CardOutcome {
    /// Authorized.
    Chargeable,
    /// Declined with this code (`card_declined`, `insufficient_funds`).
    Declined(ErrorCode),
    /// A 3-D Secure challenge is required.
    Challenge,
}

/// The challenge password that succeeds.
pub const CHALLENGE_PASSWORD: &str = "password";

/// Test gift cards: every 16-digit number starting `6000` (the documented
/// one is `6000 0000 0000 0001`), PIN `1234`. Each is issued with
/// [`GIFT_CARD_BALANCE`] minor units in the currency of the first session that
/// holds money on it; from then on its balance is a record of its own.
pub const GIFT_CARD_PREFIX: &str = "6000";
/// The PIN of every test gift card.
pub const GIFT_CARD_PIN: &str = "1234";
/// What a test gift card is issued with (minor units).
pub const GIFT_CARD_BALANCE: u64 = 500;

/// Is `digits` a test gift card number?
pub fn is_gift_card(digits: &str) -> bool {
    digits.len() == 16 && digits.starts_with(GIFT_CARD_PREFIX)
}

/// Outcome for a validated card number (digits only) in a session's country.
pub fn card(digits: &str, country: Country) -> CardOutcome {
    match digits {
        "4000000000000002" => CardOutcome::Declined(ErrorCode::CardDeclined),
        "4000000000009995" => CardOutcome::Declined(ErrorCode::InsufficientFunds),
        "5454545454545454" | "4917610000000000" if country.requires_sca() => CardOutcome::Challenge,
        _ => CardOutcome::Chargeable,
    }
}

/// The human sentence for a decline.
pub fn decline_message(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::InsufficientFunds => "The card has insufficient funds.",
        _ => "The card was declined.",
    }
}

/// Bank details for wire transfers to the (simulated) collecting account.
pub const WIRE_ACCOUNT: (&str, &str, &str, &str) = (
    "PaySession Test Collections",
    "Test Bank AG",
    "DE89370400440532013000",
    "COBADEFFXXX",
);

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn test_cards() {
        let de = Country::parse("DE").unwrap();
        let us = Country::parse("US").unwrap();
        assert_eq!(card("4242424242424242", de), CardOutcome::Chargeable);
        assert_eq!(card("5454545454545454", de), CardOutcome::Challenge);
        assert_eq!(card("5454545454545454", us), CardOutcome::Chargeable);
        assert_eq!(
            card("4000000000000002", us),
            CardOutcome::Declined(ErrorCode::CardDeclined)
        );
    }
}
