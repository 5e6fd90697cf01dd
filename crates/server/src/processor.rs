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

/// The test gift card, its PIN and balance (minor units of the session currency).
pub const GIFT_CARD: (&str, &str, u64) = ("6000000000000001", "1234", 500);

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
