//! What a suspended vendor reads on their own dashboard: that their shop is suspended, since
//! when and the administrators' reason (`GET /api/v1/vendor/standing`). An origin that cannot
//! say (an older one) leaves the dashboard as it was.

use serde::Deserialize;

use super::visit::{Failure, Visit};
use crate::host::Host;
use crate::suspension_words::SuspensionWords;
use crate::words::fill;

/// `GET /api/v1/vendor/standing`
#[derive(Debug, Deserialize)]
struct Standing {
    suspended_at: Option<String>,
    suspension_reason: Option<String>,
}

/// The notice on a suspended shop's dashboard, in the vendor's language.
pub struct SuspensionNotice {
    pub heading: &'static str,
    pub explained: &'static str,
    pub since: String,
    pub reason: Option<String>,
}

/// The notice when the signed-in vendor's shop is suspended; `None` when it is open (or the
/// origin could not say).
pub async fn notice<H: Host>(visit: &Visit<'_, H>) -> Option<SuspensionNotice> {
    let standing = match visit.get::<Standing>("/api/v1/vendor/standing").await {
        Ok(standing) => standing,
        Err(Failure::Refused { status: 404, .. }) => return None,
        Err(_) => {
            tracing::warn!("a vendor's shop standing could not be read");
            return None;
        }
    };
    let says = SuspensionWords::of(visit.locale.language);
    let since = standing.suspended_at?;
    Some(SuspensionNotice {
        heading: says.vendor_notice,
        explained: says.vendor_explained,
        since: fill(
            says.vendor_since,
            since.chars().take(16).map(|c| if c == 'T' { ' ' } else { c }).collect::<String>(),
        ),
        reason: standing.suspension_reason.map(|reason| fill(says.vendor_reason, reason)),
    })
}
