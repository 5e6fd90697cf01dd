//! Wire transfer: the source waits for the funds on the processor's account.

use super::Draft;
use crate::{ids, processor};
use paysession_core::{state::SourceState, wire::WireTransferView};

/// The wire-transfer source's create branch.
pub(super) fn create(d: &mut Draft) {
    d.src.state = SourceState::PendingFunds;
    let (holder, bank, iban, bic) = processor::WIRE_ACCOUNT;
    d.src.wire_transfer = Some(WireTransferView {
        account_holder: holder.into(),
        bank_name: bank.into(),
        iban: iban.into(),
        bic: bic.into(),
        reference_id: ids::new_id("").get(..12).unwrap_or("").to_uppercase(),
    });
}
