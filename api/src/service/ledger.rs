//! The space's ledger, read from the ledger projection: each account's balance on its normal
//! side, and the trial balance that shows debits equal credits.

use crate::dto::ledger::{Ledger, LedgerAccount, TrialBalance};
use crate::error::ApiError;
use crate::space::SpaceRef;
use crate::state::AppState;
use lyceum_domain::ledger::{AccountKind, Side};
use lyceum_projections::ledger::queries::ledger_balances;
use std::collections::BTreeMap;

/// The space's ledger: every account's totals per currency, and the trial balance.
pub async fn ledger(state: &AppState, space: &SpaceRef) -> Result<Ledger, ApiError> {
    let rows = ledger_balances(&state.db, &space.id.to_string()).await?;
    let mut trial: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    let accounts = rows
        .into_iter()
        .map(|row| {
            let totals = trial.entry(row.currency.clone()).or_default();
            totals.0 += row.debits_minor;
            totals.1 += row.credits_minor;
            let kind = AccountKind::ALL
                .into_iter()
                .find(|k| k.as_str() == row.account);
            let net = row.debits_minor - row.credits_minor;
            LedgerAccount {
                balance_minor: match kind.map(AccountKind::normal_side) {
                    Some(Side::Debit) => net,
                    _ => -net,
                },
                account: row.account,
                currency: row.currency,
                debits_minor: row.debits_minor,
                credits_minor: row.credits_minor,
            }
        })
        .collect();
    let trial_balance = trial
        .into_iter()
        .map(|(currency, (debits, credits))| TrialBalance {
            currency,
            debits_minor: debits,
            credits_minor: credits,
            balanced: debits == credits,
        })
        .collect();
    Ok(Ledger {
        accounts,
        trial_balance,
    })
}
