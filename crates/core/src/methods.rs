//! Which payment methods a checkout may offer, by country, currency and amount.
//! Pure rules, shared by the server (authority) and the SDK (no-session look-ups).

use crate::country::Country;
use crate::money::{Amount, Currency};
use crate::state::PaymentType;

/// Countries where Klarna pay-later is offered, with the currency it takes there.
const KLARNA: &[(&str, &str)] = &[
    ("AT", "EUR"),
    ("BE", "EUR"),
    ("DE", "EUR"),
    ("DK", "DKK"),
    ("ES", "EUR"),
    ("FI", "EUR"),
    ("FR", "EUR"),
    ("GB", "GBP"),
    ("IT", "EUR"),
    ("NL", "EUR"),
    ("NO", "NOK"),
    ("SE", "SEK"),
    ("US", "USD"),
];

/// Klarna limits in minor units of the currency (a fixed window: 1.00 to 10,000.00 for
/// 2-decimal currencies, scaled by the exponent otherwise).
pub fn klarna_limits(currency: Currency) -> (u64, u64) {
    let unit = 10u64.pow(currency.exponent() as u32);
    (unit, 10_000 * unit)
}

/// Countries whose shoppers can pay by SEPA Direct Debit (the SEPA zone).
const SEPA: &str = "ATBEBGCHCYCZDEDKEEESFIFRGBGRHRHUIEISITLILTLULVMCMTNLNOPLPTROSESISKSM";

/// The largest amount a gift card can be used on: any. Gift cards are in the
/// currencies the simulator issues.
const GIFT_CARD_CURRENCIES: &[&str] = &["EUR", "USD", "GBP", "CAD", "AUD", "JPY"];

/// Whether `t` is offered for a checkout of `amount` `currency` in `country`.
pub fn is_available(t: PaymentType, country: Country, currency: Currency, amount: Amount) -> bool {
    let (c, cur) = (country.as_str(), currency.as_str());
    match t {
        PaymentType::CreditCard => true,
        PaymentType::PayPal => amount.get() > 0,
        PaymentType::KlarnaCredit => {
            let (lo, hi) = klarna_limits(currency);
            KLARNA.iter().any(|(kc, kcur)| *kc == c && *kcur == cur)
                && (lo..=hi).contains(&amount.get())
        }
        PaymentType::Ideal => c == "NL" && cur == "EUR",
        PaymentType::SepaDebit => {
            cur == "EUR" && SEPA.as_bytes().chunks(2).any(|x| x == c.as_bytes())
        }
        PaymentType::WireTransfer => country.requires_sca() || c == "US" || c == "CH",
        PaymentType::GiftCard => GIFT_CARD_CURRENCIES.contains(&cur),
        // A wallet pays any positive amount (offered through `applePay` /
        // `googlePay`, not in the list: `available` lists `ALL` only).
        PaymentType::ApplePay | PaymentType::GooglePay => amount.get() > 0,
    }
}

/// The methods offered for a checkout, in display order.
pub fn available(country: Country, currency: Currency, amount: Amount) -> Vec<PaymentType> {
    PaymentType::ALL
        .into_iter()
        .filter(|t| is_available(*t, country, currency, amount))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    fn av(c: &str, cur: &str, amt: u64) -> Vec<PaymentType> {
        available(
            Country::parse(c).unwrap(),
            Currency::parse(cur).unwrap(),
            Amount(amt),
        )
    }
    #[test]
    fn rules() {
        let nl = av("NL", "EUR", 1000);
        assert!(
            nl.contains(&PaymentType::Ideal)
                && nl.contains(&PaymentType::SepaDebit)
                && nl.contains(&PaymentType::KlarnaCredit)
        );
        assert!(!av("DE", "EUR", 1000).contains(&PaymentType::Ideal));
        assert!(!av("NL", "USD", 1000).contains(&PaymentType::Ideal));
        assert!(!av("US", "USD", 1000).contains(&PaymentType::SepaDebit));
        assert!(av("US", "USD", 1000).contains(&PaymentType::KlarnaCredit));
        assert!(!av("US", "USD", 50).contains(&PaymentType::KlarnaCredit));
        assert!(!av("US", "USD", 2_000_000).contains(&PaymentType::KlarnaCredit));
        assert!(!av("JP", "JPY", 1000).contains(&PaymentType::KlarnaCredit));
        assert_eq!(av("JP", "JPY", 1000)[0], PaymentType::CreditCard);
    }

    fn cur(c: &str) -> Currency {
        Currency::parse(c).unwrap()
    }

    #[test]
    fn klarna_window_scales_with_the_exponent() {
        assert_eq!(klarna_limits(cur("EUR")), (100, 1_000_000));
        assert_eq!(klarna_limits(cur("JPY")), (1, 10_000));
        assert_eq!(klarna_limits(cur("KWD")), (1_000, 10_000_000));
        let klarna = |c: &str, cu: &str, a: u64| av(c, cu, a).contains(&PaymentType::KlarnaCredit);
        assert!(klarna("DE", "EUR", 100) && klarna("DE", "EUR", 1_000_000));
        assert!(!klarna("DE", "EUR", 99) && !klarna("DE", "EUR", 1_000_001));
    }

    #[test]
    fn klarna_needs_the_country_and_its_currency() {
        let klarna = |c: &str, cu: &str| av(c, cu, 1000).contains(&PaymentType::KlarnaCredit);
        assert!(klarna("SE", "SEK") && klarna("GB", "GBP") && klarna("DE", "EUR"));
        // A Klarna country with another currency, a Klarna currency in another country.
        assert!(!klarna("DE", "USD") && !klarna("SE", "EUR") && !klarna("GB", "EUR"));
        assert!(!klarna("PL", "EUR") && !klarna("CH", "SEK"));
    }

    #[test]
    fn sepa_is_euro_in_the_sepa_zone() {
        let sepa = |c: &str, cu: &str| av(c, cu, 1000).contains(&PaymentType::SepaDebit);
        assert!(sepa("DE", "EUR") && sepa("AT", "EUR") && sepa("SM", "EUR") && sepa("CH", "EUR"));
        assert!(!sepa("US", "EUR") && !sepa("JP", "EUR"));
        assert!(!sepa("DE", "USD") && !sepa("GB", "GBP"));
    }

    #[test]
    fn wire_transfer_countries() {
        let wire = |c: &str, cu: &str| av(c, cu, 1000).contains(&PaymentType::WireTransfer);
        assert!(wire("DE", "EUR") && wire("GB", "GBP") && wire("US", "USD") && wire("CH", "CHF"));
        assert!(!wire("JP", "JPY") && !wire("CA", "CAD") && !wire("BR", "BRL"));
    }

    #[test]
    fn wallets_need_a_positive_amount() {
        // `is_available` directly: `available` lists `ALL`, which leaves the wallets out.
        let de = Country::parse("DE").unwrap();
        for w in [PaymentType::ApplePay, PaymentType::GooglePay] {
            let ok = |amt: u64| is_available(w, de, cur("EUR"), Amount(amt));
            assert!(!ok(0), "{w:?} offered for a zero amount");
            assert!(ok(1) && ok(1000), "{w:?} not offered for a positive amount");
        }
    }

    #[test]
    fn paypal_needs_an_amount() {
        assert!(!av("DE", "EUR", 0).contains(&PaymentType::PayPal));
        assert!(av("DE", "EUR", 1).contains(&PaymentType::PayPal));
        assert!(av("US", "USD", 999_999_999_999).contains(&PaymentType::PayPal));
    }
}
