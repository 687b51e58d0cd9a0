//! The exchange rates shoppers' prices are converted at: every currency the shop knows, with
//! its units per US dollar; an admin changes some and saves (`PUT /api/v1/admin/fx-rates`,
//! the changed ones only — the others stay as they are).

use std::collections::BTreeMap;

use askama::Template;
use bytes::Bytes;
use http::{Method, Response};
use linkedall_shared::{Currency, FxRates};
use serde::Serialize;

use super::admin::{AdminFrame, frame, layout, refuse_non_admin};
use super::visit::{Failure, Visit};
use crate::admin_words::AdminWords;
use crate::host::Host;
use crate::pages::Layout;
use crate::words::fill;

/// Millionths in one unit: rates travel as units per dollar × 1,000,000.
const MICROS: u64 = 1_000_000;

pub struct RateRow {
    pub code: &'static str,
    pub field: String,
    pub value: String,
    /// The rate as the origin has it, sent back to tell what changed.
    pub was: String,
}

#[derive(Template)]
#[template(path = "shop/admin_rates.html")]
pub struct RatesPage {
    pub layout: Layout,
    pub frame: AdminFrame,
    pub as_of: String,
    pub rates: Vec<RateRow>,
    pub message: Option<String>,
    pub success: bool,
}

/// The body of `PUT /api/v1/admin/fx-rates`.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct SetRates {
    pub per_usd_micros: BTreeMap<&'static str, u64>,
}

/// `GET /admin/rates` (`?saved=1` after saving).
pub async fn show<H: Host>(visit: &Visit<'_, H>, message: Option<(u16, String)>) -> Response<Bytes> {
    let frame = match frame(visit, "/admin/rates").await {
        Ok(frame) => frame,
        Err(refused) => return refused,
    };
    let rates = match visit.get::<FxRates>("/api/v1/fx-rates").await {
        Ok(rates) => rates,
        Err(failure) => return visit.fail(failure),
    };
    let says = frame.says;
    let decimal = decimal_sign(visit);
    let (status, success, message) = match message {
        Some((status, text)) => (status, false, Some(text)),
        None if visit.query("saved").is_some() => (200, true, Some(says.rates_saved.to_owned())),
        None => (200, false, None),
    };
    let page = RatesPage {
        layout: layout(visit, says.rates),
        as_of: fill(
            says.rates_as_of,
            rates.as_of.chars().take(16).map(|c| if c == 'T' { ' ' } else { c }).collect::<String>(),
        ),
        rates: Currency::ALL
            .iter()
            .filter(|c| **c != Currency::USD)
            .map(|c| {
                let was = rates.rate(*c).map(|micros| rate_text(micros, decimal)).unwrap_or_default();
                RateRow {
                    code: c.code(),
                    field: format!("rate_{}", c.code()),
                    value: visit
                        .field(&format!("rate_{}", c.code()))
                        .map_or_else(|| was.clone(), str::to_owned),
                    was,
                }
            })
            .collect(),
        message,
        success,
        frame,
    };
    visit.page(status, &page)
}

/// `POST /admin/rates`: the rates that changed (`was_XXX` carries the shown value).
pub async fn save<H: Host>(visit: &Visit<'_, H>) -> Response<Bytes> {
    let says = AdminWords::of(visit.locale.language);
    let request = match changed_rates(|name| visit.field(name)) {
        Ok(request) if request.per_usd_micros.is_empty() => {
            return show(visit, Some((422, says.rates_nothing.into()))).await;
        }
        Ok(request) => request,
        Err(UnreadableRate) => return show(visit, Some((422, says.rate_invalid.into()))).await,
    };
    match visit.send_json::<FxRates>(Method::PUT, "/api/v1/admin/fx-rates", &request).await {
        Ok(_) => visit.redirect("/admin/rates?saved=1"),
        Err(Failure::Refused { status, message }) if status != 403 => {
            show(visit, Some((status, message))).await
        }
        Err(failure) => refuse_non_admin(visit, failure),
    }
}

/// A rate in the form that is not a number above zero.
#[derive(Debug, PartialEq, Eq)]
pub struct UnreadableRate;

/// The rates the form changed: `rate_XXX` differs from `was_XXX`. An unreadable or zero rate
/// is refused whole.
pub fn changed_rates<'a>(field: impl Fn(&str) -> Option<&'a str>) -> Result<SetRates, UnreadableRate> {
    let mut per_usd_micros = BTreeMap::new();
    for currency in Currency::ALL.iter().filter(|c| **c != Currency::USD) {
        let code = currency.code();
        let now = field(&format!("rate_{code}")).unwrap_or_default().trim();
        let was = field(&format!("was_{code}")).unwrap_or_default().trim();
        if now == was || now.is_empty() {
            continue;
        }
        per_usd_micros.insert(code, parse_rate(now).ok_or(UnreadableRate)?);
    }
    Ok(SetRates { per_usd_micros })
}

/// `1520.5` or `1520,5` units per dollar → millionths; `None` for anything else or zero.
pub fn parse_rate(text: &str) -> Option<u64> {
    let text: String = text.chars().filter(|c| !c.is_whitespace() && *c != '\u{202f}').collect();
    let (whole, fraction) = text.split_once(['.', ',']).unwrap_or((&text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || whole.len() > 12 || fraction.len() > 6 || !digits(whole) || !digits(fraction) {
        return None;
    }
    let micros = whole.parse::<u64>().ok()? * MICROS + format!("{fraction:0<6}").parse::<u64>().ok()?;
    (micros > 0).then_some(micros)
}

/// Millionths → `1520.5` (no trailing zeros), with the page's decimal sign.
fn rate_text(micros: u64, decimal: char) -> String {
    let fraction = format!("{:06}", micros % MICROS);
    let fraction = fraction.trim_end_matches('0');
    if fraction.is_empty() {
        (micros / MICROS).to_string()
    } else {
        format!("{}{decimal}{fraction}", micros / MICROS)
    }
}

fn decimal_sign<H: Host>(visit: &Visit<'_, H>) -> char {
    match visit.locale.language {
        linkedall_shared::Language::Fr | linkedall_shared::Language::Pt => ',',
        _ => '.',
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_read_back_what_the_page_shows() {
        for micros in [1_520_500_000, 129_000_000, 1, 3_750_000] {
            for sign in ['.', ','] {
                assert_eq!(parse_rate(&rate_text(micros, sign)), Some(micros));
            }
        }
        for bad in ["", "0", "0.0", "-3", "1.2.3", "abc", "1.1234567"] {
            assert_eq!(parse_rate(bad), None, "{bad}");
        }
    }

    #[test]
    fn only_changed_rates_are_sent() {
        let pairs =
            [("rate_KES", "130"), ("was_KES", "129.5"), ("rate_NGN", "1520.5"), ("was_NGN", "1520.5")];
        let field = |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
        assert_eq!(changed_rates(field).unwrap().per_usd_micros, BTreeMap::from([("KES", 130_000_000)]));
        let bad = [("rate_KES", "lots"), ("was_KES", "129.5")];
        assert!(changed_rates(|name: &str| bad.iter().find(|(k, _)| *k == name).map(|(_, v)| *v)).is_err());
    }
}
