//! Who can sign in, and how their passwords are kept: roles, emails parsed once at the edge of
//! the system, and argon2id hashes computed off the async runtime.

use argon2::password_hash::{
    PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString, rand_core::OsRng,
};
use argon2::{Algorithm, Argon2, Params, Version};
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

/// A password a new account chose: 8 to 128 characters.
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(value: String) -> Result<NewPassword> {
        let length = value.chars().count();
        if (8..=128).contains(&length) {
            Ok(NewPassword(value))
        } else {
            Err(Error::InvalidParameter { name: "password", message: "expected 8 to 128 characters".into() })
        }
    }
}

/// How expensive a password hash is. Production uses OWASP's argon2id baseline; tests use the
/// cheapest parameters argon2 allows so that registering 64 buyers takes milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordCost {
    Standard,
    TestOnly,
}

/// Hashes and verifies passwords with argon2id, on the blocking thread pool: a hash takes tens
/// of milliseconds of CPU, which must not stall the requests sharing a runtime thread.
#[derive(Debug, Clone, Copy)]
pub struct Passwords {
    cost: PasswordCost,
}

impl Passwords {
    pub fn new(cost: PasswordCost) -> Self {
        Self { cost }
    }

    fn argon2(self) -> Argon2<'static> {
        let params = match self.cost {
            // 19 MiB, 2 passes, 1 lane: OWASP's first recommended configuration.
            PasswordCost::Standard => Params::new(19 * 1024, 2, 1, None),
            PasswordCost::TestOnly => Params::new(Params::MIN_M_COST, 1, 1, None),
        }
        .expect("argon2 parameters are valid");
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
    }

    pub async fn hash(self, password: NewPassword) -> Result<String> {
        tokio::task::spawn_blocking(move || {
            let salt = SaltString::generate(&mut OsRng);
            self.argon2()
                .hash_password(password.0.as_bytes(), &salt)
                .map(|hash| hash.to_string())
                .map_err(|e| Error::Corrupt(format!("hashing a password failed: {e}")))
        })
        .await
        .map_err(|e| Error::Corrupt(format!("password hashing task failed: {e}")))?
    }

    /// True when `password` matches `stored`. With no stored hash (unknown email) a dummy hash
    /// is verified anyway, so the answer takes as long as for a known email.
    pub async fn verify(self, password: String, stored: Option<String>) -> Result<bool> {
        // An account without a password of ours is verified like an unknown email.
        let stored = stored.filter(|hash| hash != NO_PASSWORD);
        tokio::task::spawn_blocking(move || {
            let known = stored.is_some();
            let stored = match stored {
                Some(stored) => stored,
                None => {
                    let salt = SaltString::generate(&mut OsRng);
                    self.argon2()
                        .hash_password(b"not-a-password", &salt)
                        .map(|h| h.to_string())
                        .map_err(|e| Error::Corrupt(format!("hashing a password failed: {e}")))?
                }
            };
            let parsed = PasswordHash::new(&stored)
                .map_err(|e| Error::Corrupt(format!("a stored password hash is malformed: {e}")))?;
            Ok(known && self.argon2().verify_password(password.as_bytes(), &parsed).is_ok())
        })
        .await
        .map_err(|e| Error::Corrupt(format!("password check task failed: {e}")))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_obvious_typos_refused() {
        assert_eq!(Email::parse("  Amina@Example.COM ").unwrap().as_str(), "amina@example.com");
        for bad in
            ["", "amina", "amina@", "@example.com", "a@b", "a b@example.com", "a@@example.com", "a@.com"]
        {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let passwords = Passwords::new(PasswordCost::TestOnly);
        let hash = passwords.hash(NewPassword::parse("correct horse".into()).unwrap()).await.unwrap();
        assert!(passwords.verify("correct horse".into(), Some(hash.clone())).await.unwrap());
        assert!(!passwords.verify("wrong horse".into(), Some(hash)).await.unwrap());
        assert!(!passwords.verify("correct horse".into(), None).await.unwrap());
    }
}
