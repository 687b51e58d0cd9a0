//! The audit trail, as admins read it: every admin action with who acted, what they did, when,
//! from which address and whether the shop did it — newest first, a page at a time.

use askama::Template;
use bytes::Bytes;
use http::Response;
use serde::Deserialize;

use super::admin::{AdminFrame, frame, layout, refuse_non_admin};
use super::visit::Visit;
use crate::admin_ops_words::AdminOpsWords;
use crate::admin_words::AdminWords;
use crate::host::Host;
use crate::pages::Layout;
use crate::words::fill;

/// `GET /api/v1/admin/audit-trail`
#[derive(Debug, Deserialize)]
struct Trail {
    actions: Vec<Action>,
    next_before: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct Action {
    admin_email: Option<String>,
    action: String,
    target: String,
    detail: String,
    status: u16,
    client_ip: Option<String>,
    at: String,
}

pub struct ActionRow {
    pub who: String,
    pub what: String,
    pub target: String,
    pub detail: String,
    pub outcome: String,
    pub refused: bool,
    pub when: String,
    pub from: String,
}

#[derive(Template)]
#[template(path = "shop/admin_audit.html")]
pub struct AuditPage {
    pub layout: Layout,
    pub frame: AdminFrame,
    pub actions: Vec<ActionRow>,
    pub older: Option<String>,
}

/// What an action was, in the page's language: the console's own actions by name, any other
/// admin route as its method and route.
pub fn describe(says: &'static AdminWords, ops: &'static AdminOpsWords, action: &str) -> String {
    match action {
        "POST /api/v1/admin/vendors/{id}/suspend" => ops.action_suspend.into(),
        "POST /api/v1/admin/vendors/{id}/reinstate" => ops.action_reinstate.into(),
        "POST /api/v1/admin/cache/warmings" => ops.action_warm.into(),
        "POST /admin/purge" => says.action_purge.into(),
        "POST /api/v1/admin/orders/{id}/release" => says.action_release.into(),
        "POST /api/v1/admin/orders/{id}/cancel" => says.action_cancel_held.into(),
        "POST /api/v1/admin/dead-letters/{id}/replay" => says.action_replay.into(),
        "PUT /api/v1/admin/fx-rates" => says.action_rates.into(),
        other => other.into(),
    }
}

/// `GET /admin/audit-trail[?before=ID]`
pub async fn show<H: Host>(visit: &Visit<'_, H>) -> Response<Bytes> {
    let frame = match frame(visit, "/admin/audit-trail").await {
        Ok(frame) => frame,
        Err(refused) => return refused,
    };
    let before = visit.query("before").and_then(|id| id.parse::<i64>().ok()).filter(|id| *id > 0);
    let path = match before {
        Some(id) => format!("/api/v1/admin/audit-trail?before={id}"),
        None => "/api/v1/admin/audit-trail".to_owned(),
    };
    let trail = match visit.get::<Trail>(&path).await {
        Ok(trail) => trail,
        Err(failure) => return refuse_non_admin(visit, failure),
    };
    let (says, ops) = (frame.says, frame.ops);
    let page = AuditPage {
        layout: layout(visit, says.audit),
        actions: trail
            .actions
            .into_iter()
            .map(|action| ActionRow {
                who: action.admin_email.unwrap_or_else(|| says.operators_token.to_owned()),
                what: describe(says, ops, &action.action),
                target: action.target,
                detail: action.detail,
                refused: action.status >= 300,
                outcome: if action.status < 300 {
                    says.outcome_done.to_owned()
                } else {
                    fill(says.outcome_refused, action.status)
                },
                when: action.at.chars().take(19).map(|c| if c == 'T' { ' ' } else { c }).collect(),
                from: action.client_ip.unwrap_or_default(),
            })
            .collect(),
        older: trail.next_before.map(|id| format!("/admin/audit-trail?before={id}")),
        frame,
    };
    visit.page(200, &page)
}
