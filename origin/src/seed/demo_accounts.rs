//! The demo stack's accounts: a shopper, a vendor keeping one of the demo's shops in Lagos, and
//! an admin, with passwords everyone knows — printed with the shop's address so that whoever
//! runs `cargo run` can walk every side of the shop at once. Only the demo binary makes them,
//! and only in a catalog it seeded itself; no role of the origin ever does.

use linkedall_shared::VendorId;
use linkedall_store::Store;
use linkedall_store::accounts::Keeps;

use crate::accounts::{Email, NewPassword, Passwords, Role};
use crate::error::Result;

/// One demo account, as the demo prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAccount {
    pub role: Role,
    pub email: &'static str,
    pub password: &'static str,
    /// The shop the vendor account keeps.
    pub shop: Option<VendorId>,
}

/// The accounts, by role: what the demo prints.
const ACCOUNTS: [(Role, &str, &str); 3] = [
    (Role::Shopper, "shopper@demo.linkedall.africa", "lagos-shopper-2026"),
    (Role::Vendor, "vendor@demo.linkedall.africa", "lagos-vendor-2026"),
    (Role::Admin, "admin@demo.linkedall.africa", "lagos-admin-2026"),
];

/// The country whose oldest shop the demo vendor keeps.
const VENDOR_COUNTRY: &str = "NG";

/// Makes the demo accounts that do not exist yet (an existing one is left as it is) and says
/// which they are.
pub async fn ensure(store: &Store, passwords: &Passwords) -> Result<Vec<DemoAccount>> {
    let shop = store.oldest_shop_in(VENDOR_COUNTRY).await?;
    let mut accounts = Vec::with_capacity(ACCOUNTS.len());
    for (role, email, password) in ACCOUNTS {
        let shop = if role == Role::Vendor { shop } else { None };
        if role == Role::Vendor && shop.is_none() {
            // No shop in the catalog to keep: no vendor account.
            continue;
        }
        let address = Email::parse(email)?;
        if store.account_by_email(&address).await?.is_none() {
            let hash = passwords.hash(NewPassword::parse(password.to_owned())?).await?;
            let keeps = shop.map_or(Keeps::NoShop, Keeps::Shop);
            store.create_account(&address, &hash, role, keeps).await?;
            tracing::info!(role = role.as_str(), email, "demo account made");
        }
        accounts.push(DemoAccount { role, email, password, shop });
    }
    Ok(accounts)
}
