//! Accounts as the store keeps them: roles, emails parsed once at the edge of the system,
//! the signed-in user a request acts as, and what authorising a request needs to know.

use linkedall_shared::VendorId;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// What an account may do. Shoppers buy, vendors also sell from one shop, admins see and
/// cancel every order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Shopper,
    Vendor,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Shopper => "shopper",
            Role::Vendor => "vendor",
            Role::Admin => "admin",
        }
    }

    /// Parses the `users.role` column.
    pub fn from_column(value: &str) -> Result<Role> {
        match value {
            "shopper" => Ok(Role::Shopper),
            "vendor" => Ok(Role::Vendor),
            "admin" => Ok(Role::Admin),
            other => Err(Error::Corrupt(format!("unknown role {other:?}"))),
        }
    }
}

/// An email address as we store it: trimmed, lowercased, with one `@` and a dot in the domain.
/// Deliverability is the mail server's business; this only keeps obvious typos out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(value: &str) -> Result<Email> {
        let email = value.trim().to_lowercase();
        let valid = email.len() <= 254
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            })
            && !email.chars().any(|c| c.is_whitespace() || c.is_control())
            && email.matches('@').count() == 1;
        if valid {
            Ok(Email(email))
        } else {
            Err(Error::InvalidParameter {
                name: "email",
                message: "expected an address like amina@example.com".into(),
            })
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The `password_hash` of an account that signs in elsewhere (Supabase): no password matches.
pub const NO_PASSWORD: &str = "!none";

/// The signed-in user of a request (the API's extractor answers 401 when there is none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CurrentUser {
    pub id: i64,
    pub role: Role,
    pub vendor_id: Option<VendorId>,
}

impl CurrentUser {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

/// What authorising a request needs to know about its user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionRecord {
    pub user: CurrentUser,
    /// False for an account an admin disabled: its sessions stop working.
    pub active: bool,
    /// Sessions issued before this (Unix seconds) no longer work: the password was reset.
    /// 0 when it never was.
    pub sessions_since: u64,
}

impl SessionRecord {
    /// `id:role:vendor:active:since`, e.g. `42:vendor:7:1:0` or `43:shopper:-:1:1796000000`.
    pub fn encode(&self) -> String {
        let vendor = self.user.vendor_id.map_or("-".to_owned(), |v| v.get().to_string());
        format!(
            "{}:{}:{vendor}:{}:{}",
            self.user.id,
            self.user.role.as_str(),
            u8::from(self.active),
            self.sessions_since
        )
    }

    /// A record [`encode`](Self::encode) wrote; one written before `since` existed reads as 0.
    pub fn decode(value: &str) -> Option<SessionRecord> {
        let mut fields = value.split(':');
        let id = fields.next()?.parse().ok()?;
        let role = Role::from_column(fields.next()?).ok()?;
        let vendor_id = match fields.next()? {
            "-" => None,
            v => Some(VendorId::new(v.parse().ok()?)),
        };
        let active = fields.next()? == "1";
        let sessions_since = fields.next().map_or(Some(0), |since| since.parse().ok())?;
        Some(SessionRecord { user: CurrentUser { id, role, vendor_id }, active, sessions_since })
    }
}
