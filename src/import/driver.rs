//! How an import sends a command: through the same service as the API, as the operator, with
//! the injected clock set to the row's time and the events it appends happening then (see
//! `lyceum_store::occurring`). Each command gets a clock of its own, so commands of different
//! times may run at once.

use chrono::{DateTime, Utc};
use lyceum_api::auth::Auth;
use lyceum_api::error::ApiError;
use lyceum_api::plan::{self, Planned};
use lyceum_api::state::AppState;
use lyceum_store::clock::ManualClock;
use lyceum_store::keys::{Principal, Role};
use lyceum_store::{occurring, time};
use std::sync::Arc;
use uuid::Uuid;

/// The key id imported events name as their actor (`key:…`): no key has it, so no caller can
/// pass for the importer.
const IMPORTER: Uuid = Uuid::from_u128(0x6c79_6365_756d_0000_0000_696d_706f_7274);

/// The state and the operator's authority an import's commands run with.
#[derive(Clone)]
pub struct Driver {
    state: AppState,
    auth: Auth,
}

impl Driver {
    pub fn new(state: AppState) -> Driver {
        Driver {
            state,
            auth: Auth(Principal {
                key_id: IMPORTER,
                role: Role::Admin,
                space_id: None,
                member_id: None,
            }),
        }
    }

    /// The state, for reads.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Plans a command as of `at` with `plan` and appends it; returns its answer. A refusal
    /// reads as the API would answer it (its code and detail).
    pub async fn run<T>(
        &self,
        at: DateTime<Utc>,
        plan: impl AsyncFnOnce(&AppState, &Auth) -> Result<Planned<T>, ApiError>,
    ) -> anyhow::Result<T> {
        let mut state = self.state.clone();
        state.clock = Arc::new(ManualClock::at(at));
        let answer = occurring::at(Some(time::format(at)), async {
            let planned = plan(&state, &self.auth).await?;
            Ok::<T, ApiError>(plan::commit(&state, planned).await?.0)
        })
        .await;
        answer.map_err(refusal)
    }
}

/// A service's refusal as the API would answer it: its code and detail.
pub fn refusal(error: ApiError) -> anyhow::Error {
    anyhow::anyhow!("{}: {}", error.code.as_str(), error.detail)
}
