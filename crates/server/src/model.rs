//! Stored records and the rules computed from them: session state,
//! contributions of attached sources, and the wire views.

use crate::clock::rfc3339;
use paysession_core::state::CaptureMethod;
use paysession_core::{
    card::Brand,
    country::Country,
    state::{PaymentType, SessionState},
    wire::{self, AttachedSource, BrowserInfo, MaskedCard, Owner, Usage},
    Amount, Currency,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Failed card attempts after which a session is locked.
pub const LOCK_THRESHOLD: u32 = 10;

/// A session's card: the number and code only sealed by the vault. Once the
/// session's order is placed the sealed number and code are dropped; brand,
/// masked number, expiry and fingerprint stay.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StoredCard {
    /// Vault-sealed digits; `None` after the order.
    pub number_sealed: Option<String>,
    /// Keyed fingerprint of the number (the same card gives the same value for one merchant).
    #[serde(default)]
    pub fingerprint: Option<String>,
    /// `424242xxxxxx4242`.
    pub masked: String,
    /// Brand.
    pub brand: Brand,
    /// 1-12.
    pub expiration_month: u8,
    /// Four digits.
    pub expiration_year: u16,
    /// Name on card.
    pub name: Option<String>,
    /// Vault-sealed security code, erased once an operation uses the session.
    pub cvv_sealed: Option<String>,
}

/// A source attached to a session.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Attached {
    /// Source id.
    pub id: String,
    /// Type.
    pub kind: PaymentType,
    /// What a secondary source holds for this session (a gift card's hold).
    pub balance: Option<u64>,
}

/// A session as stored.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SessionRec {
    pub id: String,
    pub merchant_id: String,
    pub client_secret: String,
    pub version: u64,
    pub amount: Amount,
    pub currency: Currency,
    pub country: Country,
    pub owner: Option<Owner>,
    pub shipping: Option<Owner>,
    pub reference: Option<String>,
    pub locale: Option<String>,
    pub metadata: Option<BTreeMap<String, String>>,
    /// The customer the session pays for (`cus_…`).
    #[serde(default)]
    pub customer_id: Option<String>,
    pub card: Option<StoredCard>,
    pub attached: Vec<Attached>,
    pub order_id: Option<String>,
    pub failed_attempts: u32,
    /// Sources and orders need an acceptance of the terms of sale.
    #[serde(default)]
    pub require_terms: bool,
    /// The acceptance, recorded with the source that carried it.
    #[serde(default)]
    pub terms_acceptance: Option<wire::TermsAcceptance>,
    /// Nonces of the wallet tokens that paid on this session (single use:
    /// recorded with the source, by the session's compare-and-swap).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wallet_tokens: Vec<String>,
    /// `automatic` (default) or `manual`: what the order does with its payments.
    #[serde(default, skip_serializing_if = "CaptureMethod::is_automatic")]
    pub capture: CaptureMethod,
    pub created: i64,
    pub updated: i64,
    pub expires: i64,
}

impl SessionRec {
    /// Contributions in attach order: secondaries `min(balance, left)`, the primary the rest.
    pub fn contributions(&self) -> Vec<AttachedSource> {
        let mut left = self.amount.get();
        let mut out = Vec::new();
        for a in self.attached.iter().filter(|a| a.kind.is_secondary()) {
            let c = a.balance.unwrap_or(0).min(left);
            left -= c;
            out.push(AttachedSource {
                id: a.id.clone(),
                kind: a.kind,
                primary: false,
                amount: Amount(c),
            });
        }
        if let Some(p) = self.attached.iter().find(|a| !a.kind.is_secondary()) {
            out.push(AttachedSource {
                id: p.id.clone(),
                kind: p.kind,
                primary: true,
                amount: Amount(left),
            });
        }
        out
    }

    /// What secondary sources other than `except` hold: the room left for
    /// another secondary is `amount − that`.
    pub fn secondary_room(&self, except: &str) -> u64 {
        let held: u64 = self
            .attached
            .iter()
            .filter(|a| a.kind.is_secondary() && a.id != except)
            .map(|a| a.balance.unwrap_or(0))
            .sum();
        self.amount.get().saturating_sub(held)
    }

    /// Sum of contributions.
    pub fn contributed(&self) -> u64 {
        self.contributions().iter().map(|c| c.amount.get()).sum()
    }

    /// What is still needed.
    pub fn remaining(&self) -> u64 {
        self.amount.get().saturating_sub(self.contributed())
    }

    /// The state at `now` (unix seconds).
    pub fn state(&self, now: i64) -> SessionState {
        if self.order_id.is_some() {
            SessionState::Complete
        } else if self.failed_attempts >= LOCK_THRESHOLD {
            SessionState::Locked
        } else if now >= self.expires {
            SessionState::Expired
        } else if self.remaining() == 0 {
            SessionState::RequiresConfirmation
        } else {
            SessionState::RequiresSource
        }
    }

    /// Records a change: version + 1, new expiry.
    pub fn touch(&mut self, now: i64, ttl_secs: i64) {
        self.version += 1;
        self.updated = now;
        self.expires = now + ttl_secs;
    }

    /// The wire view; `full` for the secret key (client secret, metadata).
    pub fn view(&self, now: i64, full: bool) -> wire::Session {
        let contributed = self.contributed();
        wire::Session {
            id: self.id.clone(),
            client_secret: full.then(|| self.client_secret.clone()),
            version: self.version,
            state: self.state(now),
            amount: self.amount,
            currency: self.currency,
            country: self.country,
            amount_contributed: Amount(contributed),
            amount_remaining_to_be_contributed: Amount(self.amount.get() - contributed),
            owner: self.owner.clone(),
            shipping: self.shipping.clone(),
            card: self.card.as_ref().map(|c| MaskedCard {
                number: c.masked.clone(),
                brand: c.brand,
                expiration_month: c.expiration_month,
                expiration_year: c.expiration_year,
                name: c.name.clone(),
                cvv_present: c.cvv_sealed.is_some(),
            }),
            reference: self.reference.clone(),
            locale: self.locale.clone(),
            metadata: if full { self.metadata.clone() } else { None },
            customer_id: if full { self.customer_id.clone() } else { None },
            sources: self.contributions(),
            order_id: self.order_id.clone(),
            require_terms_acceptance: self.require_terms,
            terms_acceptance: self.terms_acceptance.clone(),
            capture: self.capture,
            expires_at: rfc3339(self.expires),
            created_time: rfc3339(self.created),
            updated_time: rfc3339(self.updated),
        }
    }
}

/// A source as the flows use it (the store keeps it as its own record,
/// `store::records::StoredSource`, mapped in that one place).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SourceRec {
    pub merchant_id: String,
    pub source: wire::Source,
    /// Browser data collected for 3-D Secure.
    pub browser_info: Option<BrowserInfo>,
    /// A note for the merchant (e.g. SCA without browser data).
    pub note: Option<String>,
    /// A challenge was required (authenticate answers `complete` rather than not required).
    pub challenged: bool,
    /// Gift card balance when the source was created (what a source without
    /// a `gift_card` record contributes when attached).
    pub balance: Option<u64>,
    /// A gift card's keyed fingerprint: its balance record in the store.
    #[serde(default)]
    pub gift_card: Option<String>,
    /// A card to save to the session's customer (`usage` was given).
    #[serde(default)]
    pub save: Option<SaveCard>,
    /// The saved payment method (`pm_…`) this source pays with.
    #[serde(default)]
    pub payment_method: Option<String>,
}

/// A card source's card kept to be saved: the number only sealed by the
/// vault (bound to the source's id), erased once saved or consumed.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SaveCard {
    /// What the shopper agreed to.
    pub usage: Usage,
    /// Vault-sealed digits (aad: the source id); `None` once used.
    pub number_sealed: Option<String>,
}

/// A customer as stored.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CustomerRec {
    pub id: String,
    pub merchant_id: String,
    pub email: Option<String>,
    pub reference: Option<String>,
    pub metadata: Option<BTreeMap<String, String>>,
    pub created: i64,
}

impl CustomerRec {
    /// The wire view with its saved methods.
    pub fn view(&self, methods: &[PaymentMethodRec]) -> wire::Customer {
        wire::Customer {
            id: self.id.clone(),
            email: self.email.clone(),
            reference: self.reference.clone(),
            metadata: self.metadata.clone(),
            created_time: rfc3339(self.created),
            payment_methods: methods.iter().map(PaymentMethodRec::summary).collect(),
        }
    }
}

/// A saved payment method as stored: the card number only sealed by the
/// vault (bound to the method's id), never the security code.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PaymentMethodRec {
    pub id: String,
    pub merchant_id: String,
    pub customer_id: String,
    /// The source it was saved from (one method per source).
    pub source_id: String,
    pub usage: Usage,
    pub brand: Brand,
    pub last_four_digits: String,
    pub expiration_month: u8,
    pub expiration_year: u16,
    /// Keyed fingerprint of the number.
    pub fingerprint: String,
    /// Vault-sealed digits (aad: the method's id); `None` once deleted.
    pub number_sealed: Option<String>,
    pub created: i64,
    /// Deleted methods keep their row (masked) but not their number.
    pub deleted: bool,
}

impl PaymentMethodRec {
    /// The masked wire view.
    pub fn summary(&self) -> wire::PaymentMethodSummary {
        wire::PaymentMethodSummary {
            id: self.id.clone(),
            kind: PaymentType::CreditCard,
            usage: self.usage,
            credit_card: wire::SavedCard {
                brand: self.brand,
                last_four_digits: self.last_four_digits.clone(),
                expiration_month: self.expiration_month,
                expiration_year: self.expiration_year,
            },
            created_time: rfc3339(self.created),
        }
    }
}

/// A gift card's identity: the merchant and the card's keyed fingerprint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GiftCardKey {
    /// Merchant id.
    pub merchant: String,
    /// Keyed fingerprint of the card number (never the number).
    pub card: String,
}

impl SourceRec {
    /// The balance record of a gift-card source.
    pub fn gift_key(&self) -> Option<GiftCardKey> {
        self.gift_card.as_ref().map(|card| GiftCardKey {
            merchant: self.merchant_id.clone(),
            card: card.clone(),
        })
    }
}

/// An order as the flows use it (stored as `store::records::StoredOrder`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OrderRec {
    pub merchant_id: String,
    pub order: wire::Order,
    /// Manual capture: unix seconds after which what is not captured is
    /// released (`order.authorizationExpiresAt`).
    #[serde(default)]
    pub authorization_expires: Option<i64>,
}
