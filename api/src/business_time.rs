//! Every request's commands happen at the injected clock's time: the events they append carry
//! it as `occurred_at` (see `lyceum_store::occurring`). With the machine's clock there is no
//! time to carry, and events occur when they are recorded.

use crate::state::AppState;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web::Data;

/// Middleware that runs the request at the clock's business time.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let time = req
        .app_data::<Data<AppState>>()
        .and_then(|state| state.clock.business_time());
    lyceum_store::occurring::at(time, next.call(req)).await
}
