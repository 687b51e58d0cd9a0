//! The admin console's frame and first page. The origin decides who is an admin: every admin
//! page first asks it how far the events have been sent (`/api/v1/admin/events/lag`, an admin
//! route), which every page shows at its top — and a 403 there is the page that says these
//! pages are for administrators, before anything else is fetched.
//!
//! The pages: [`super::admin_cache`] (purge, the Cloudflare queue, warming),
//! [`super::admin_events`] (held orders, dead letters, each event reader's lag),
//! [`super::admin_rates`] (exchange rates), [`super::admin_vendors`] (suspend and reinstate
//! shops), [`super::admin_audit`] (who did what).

use askama::Template;
use bytes::Bytes;
use http::Response;
use serde::Deserialize;

use super::visit::{Failure, Visit};
use crate::admin_ops_words::AdminOpsWords;
use crate::admin_words::AdminWords;
use crate::host::Host;
use crate::pages::Layout;
use crate::words::fill;

/// `GET /api/v1/admin/events/lag`
#[derive(Debug, Deserialize)]
pub struct EventLag {
    pub unsent: i64,
    pub oldest_unsent_secs: f64,
}

/// What every admin page shows above its content: the console's pages and how the events flow.
pub struct AdminFrame {
    pub says: &'static AdminWords,
    /// The words of the shops page and the operations panels.
    pub ops: &'static AdminOpsWords,
    pub events: String,
    /// The path of the page shown, to mark it in the menu.
    pub current: &'static str,
}

/// An entry of the console's menu.
pub struct Section {
    pub path: &'static str,
    pub name: &'static str,
    /// The page shown: marked `aria-current` in the menu.
    pub current: bool,
}

impl AdminFrame {
    /// The menu: the console's first page and each page.
    pub fn sections(&self) -> Vec<Section> {
        let says = self.says;
        [
            ("/admin", says.console),
            ("/admin/cache", says.cache),
            ("/admin/held-orders", says.held_orders),
            ("/admin/dead-letters", says.dead_letters),
            ("/admin/rates", says.rates),
            ("/admin/vendors", self.ops.shops),
            ("/admin/audit-trail", says.audit),
        ]
        .into_iter()
        .map(|(path, name)| Section { path, name, current: path == self.current })
        .collect()
    }
}

/// The frame for the page at `current`, or — for anyone but an admin — the answer to give.
pub async fn frame<H: Host>(
    visit: &Visit<'_, H>,
    current: &'static str,
) -> Result<AdminFrame, Response<Bytes>> {
    let says = AdminWords::of(visit.locale.language);
    let lag = visit
        .get::<EventLag>("/api/v1/admin/events/lag")
        .await
        .map_err(|failure| refuse_non_admin(visit, failure))?;
    let events = if lag.unsent <= 0 {
        says.events_all_sent.to_owned()
    } else {
        fill(&fill(says.events_waiting, lag.unsent), lag.oldest_unsent_secs.round() as u64)
    };
    Ok(AdminFrame { says, ops: AdminOpsWords::of(visit.locale.language), events, current })
}

/// A page of the console: its title in the page's language, kept out of search results.
pub fn layout<H: Host>(visit: &Visit<'_, H>, title: &str) -> Layout {
    let says = AdminWords::of(visit.locale.language);
    let mut layout = Layout::for_locale(format!("{title} — {} — Linked All", says.console), &visit.locale);
    layout.noindex = true;
    layout
}

/// The answer to a failure on an admin page: anyone but an admin reads that these pages are
/// for administrators; anything else as on every signed-in page.
pub fn refuse_non_admin<H: Host>(visit: &Visit<'_, H>, failure: Failure) -> Response<Bytes> {
    match failure {
        Failure::Refused { status: 403, .. } => {
            visit.refused(403, AdminWords::of(visit.locale.language).not_an_admin.into())
        }
        failure => visit.fail(failure),
    }
}

#[derive(Template)]
#[template(path = "shop/admin.html")]
pub struct AdminHome {
    pub layout: Layout,
    pub frame: AdminFrame,
}

/// `GET /admin`: the events' state and the console's pages.
pub async fn home<H: Host>(visit: &Visit<'_, H>) -> Response<Bytes> {
    match frame(visit, "/admin").await {
        Ok(frame) => visit.page(200, &AdminHome { layout: layout(visit, frame.says.console), frame }),
        Err(refused) => refused,
    }
}
