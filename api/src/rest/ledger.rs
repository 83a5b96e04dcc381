//! The space's double-entry ledger: every account's totals per currency, each account's balance
//! on its normal side, and the trial balance that shows debits equal credits.

use super::call::Call;
use crate::consistency::{Fresh, read_model};
use crate::dto::ledger::Ledger;
use crate::error::ApiError;
use crate::space::Intent;
use actix_web::get;
use actix_web::web::{Json, Path};

/// Read the ledger
///
/// Every movement of money (payments for orders and subscription periods, refunds, disputes)
/// is posted as a balanced double-entry journal entry. Returns each account's totals per
/// currency and the trial balance, which shows debits equal to credits in every currency.
#[utoipa::path(
    tag = "ledger",
    params(("min_position" = Option<i64>, Query, description = "Wait until the read models reach this position")),
    responses((status = 200, description = "The ledger.", body = Ledger)),
)]
#[get("/v1/spaces/{space}/ledger")]
#[tracing::instrument(skip_all)]
pub async fn get_ledger(
    call: Call,
    path: Path<String>,
    _fresh: Fresh<read_model::Ledger>,
) -> Result<Json<Ledger>, ApiError> {
    let space = call.space(&path, Intent::Read).await?;
    Ok(Json(
        crate::service::ledger::ledger(&call.state, &space).await?,
    ))
}
