//! SEPA Direct Debit: an IBAN (core's rule), a mandate reference, and the
//! mandate's text (the catalogs' `sepa.mandate`, the one text the drop-in
//! shows too).

use super::{missing, Draft};
use crate::{error::AppError, ids};
use paysession_core::{
    iban::Iban,
    wire::{CreateSource, SepaDebitView},
};

/// The catalog key of the mandate text.
pub const MANDATE: &str = "sepa.mandate";

/// The IBAN of the request.
pub(super) fn input(req: &CreateSource) -> Result<Iban, AppError> {
    let sd = req
        .sepa_debit
        .as_ref()
        .ok_or_else(|| missing("sepaDebit"))?;
    let iban = sd.iban.as_ref().ok_or_else(|| missing("sepaDebit.iban"))?;
    Iban::parse(iban).map_err(|e| AppError::api(e.nest("sepaDebit")))
}

/// The SEPA source's create branch.
pub(super) fn create(iban: &Iban, d: &mut Draft) {
    d.src.sepa_debit = Some(SepaDebitView {
        last_four_digits: iban.last4().to_owned(),
        mandate_reference: format!(
            "MNDT-{}",
            ids::new_id("").get(..16).unwrap_or("").to_uppercase()
        ),
    });
}
