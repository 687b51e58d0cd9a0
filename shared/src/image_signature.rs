//! Signed image URLs: a resize to a size that is not a preset costs the edge real work, so
//! only URLs the shop itself made may ask for one.
//!
//! A signature is an HMAC-SHA256 over the canonical options ([`ImageOptions::canonical`]) and
//! the source path, carried in the query as `?sig=<kid>.<base64url>`. The key id lets keys
//! rotate: keys are configured as `kid:secret` pairs (`2026b:…,2026a:…`); the first signs,
//! every listed key verifies, so a new key is deployed first in second place, then moved to the
//! front, and the old one dropped once pages signed with it have left every cache.
//!
//! What is signed is the canonical form, not the bytes of the URL: `w=400,f=auto` and
//! `format=auto,width=400` carry the same signature, and `format=auto` is signed as `auto`
//! (the negotiated bucket is the edge's choice, not the URL's).

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::image_options::ImageOptions;

type HmacSha256 = Hmac<Sha256>;

/// The query parameter carrying a signature.
pub const SIGNATURE_PARAM: &str = "sig";

/// Shortest secret accepted, in bytes: a guessable key would make every size free to ask for.
pub const MIN_SECRET_BYTES: usize = 16;

/// Longest key id accepted.
pub const MAX_KID_CHARS: usize = 32;

/// Domain separation: a MAC made here never verifies anything else signed with the same key.
const CONTEXT: &str = "linkedall-image-v1";

/// One key: its id, which travels in the URL, and its secret, which never does.
#[derive(Clone, PartialEq, Eq)]
struct SigningKey {
    kid: String,
    secret: Vec<u8>,
}

/// The keys an edge signs and verifies with; the first signs, all verify.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SigningKeys {
    keys: Vec<SigningKey>,
}

impl std::fmt::Debug for SigningKeys {
    /// Key ids only: secrets never reach a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.keys.iter().map(|key| &key.kid)).finish()
    }
}

/// Why a key configuration was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SigningKeysError {
    #[error("image signing key {0:?}: expected kid:secret")]
    NotAPair(String),
    #[error("image signing key id {0:?}: expected 1 to 32 letters, digits, '-' or '_'")]
    BadKid(String),
    #[error("image signing key {0:?}: the secret is shorter than 16 bytes")]
    ShortSecret(String),
    #[error("image signing key id {0:?} is listed twice")]
    DuplicateKid(String),
}

/// Why a signature was refused; the edge answers 403 for each.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("this image size needs a signed URL (a `sig` parameter)")]
    Missing,
    #[error("the `sig` parameter is not <kid>.<base64url>")]
    Malformed,
    #[error("the signing key {0:?} is not one this edge knows")]
    UnknownKey(String),
    #[error("the signature does not match the URL")]
    Mismatch,
    #[error("this edge has no image signing keys, so only preset sizes are served")]
    NoKeys,
}

impl SigningKeys {
    /// No keys: nothing verifies, so only presets are served.
    pub fn none() -> SigningKeys {
        SigningKeys::default()
    }

    /// Parses `kid:secret` pairs separated by commas (whitespace around them ignored). An empty
    /// string is no keys.
    pub fn parse(config: &str) -> Result<SigningKeys, SigningKeysError> {
        let mut keys: Vec<SigningKey> = Vec::new();
        for pair in config.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (kid, secret) =
                pair.split_once(':').ok_or_else(|| SigningKeysError::NotAPair(redacted(pair)))?;
            let kid = kid.trim();
            if kid.is_empty()
                || kid.len() > MAX_KID_CHARS
                || !kid.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                return Err(SigningKeysError::BadKid(kid.chars().take(MAX_KID_CHARS).collect()));
            }
            if secret.len() < MIN_SECRET_BYTES {
                return Err(SigningKeysError::ShortSecret(kid.to_owned()));
            }
            if keys.iter().any(|key| key.kid == kid) {
                return Err(SigningKeysError::DuplicateKid(kid.to_owned()));
            }
            keys.push(SigningKey { kid: kid.to_owned(), secret: secret.as_bytes().to_vec() });
        }
        Ok(SigningKeys { keys })
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The id of the key that signs.
    pub fn signing_kid(&self) -> Option<&str> {
        self.keys.first().map(|key| key.kid.as_str())
    }

    /// `<kid>.<base64url>` for these options and source, signed with the first key.
    pub fn sign(&self, options: &ImageOptions, source: &str) -> Option<String> {
        let key = self.keys.first()?;
        let tag = mac(key, options, source).finalize().into_bytes();
        Some(format!("{}.{}", key.kid, base64url(&tag)))
    }

    /// A complete signed address: `/cdn-cgi/image/<canonical options>/<source>?sig=…`.
    pub fn signed_url(&self, options: &ImageOptions, source: &str) -> Option<String> {
        let signature = self.sign(options, source)?;
        Some(format!(
            "/cdn-cgi/image/{}/{}?{SIGNATURE_PARAM}={signature}",
            options.canonical(),
            source.trim_start_matches('/')
        ))
    }

    /// Checks `signature` (the `sig` parameter, if any) against the options and source, in
    /// constant time.
    pub fn verify(
        &self,
        options: &ImageOptions,
        source: &str,
        signature: Option<&str>,
    ) -> Result<(), SignatureError> {
        if self.keys.is_empty() {
            return Err(SignatureError::NoKeys);
        }
        let signature = signature.filter(|s| !s.is_empty()).ok_or(SignatureError::Missing)?;
        let (kid, encoded) = signature.split_once('.').ok_or(SignatureError::Malformed)?;
        let tag = base64url_decode(encoded).ok_or(SignatureError::Malformed)?;
        let key = self
            .keys
            .iter()
            .find(|key| key.kid == kid)
            .ok_or_else(|| SignatureError::UnknownKey(kid.chars().take(MAX_KID_CHARS).collect()))?;
        mac(key, options, source).verify_slice(&tag).map_err(|_| SignatureError::Mismatch)
    }
}

fn mac(key: &SigningKey, options: &ImageOptions, source: &str) -> HmacSha256 {
    // HMAC takes a key of any length; `new_from_slice` cannot fail for it.
    let mut mac = HmacSha256::new_from_slice(&key.secret).expect("HMAC accepts any key length");
    let source = format!("/{}", source.trim_start_matches('/'));
    for part in [CONTEXT, &options.canonical(), &source] {
        mac.update(part.as_bytes());
        mac.update(b"\n");
    }
    mac
}

/// The key id of a pair, for error messages that must not show the secret.
fn redacted(pair: &str) -> String {
    let shown: String = pair.chars().take(4).collect();
    format!("{shown}…")
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64url without padding (RFC 4648 §5).
pub fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 0x3f) as usize] as char);
        }
    }
    out
}

/// The inverse of [`base64url`]; `None` for anything else (padding included).
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.as_bytes().chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            let value = ALPHABET.iter().position(|&a| a == c)? as u32;
            n |= value << (18 - 6 * i);
        }
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
        // Unused low bits must be zero, so every byte string has exactly one encoding.
        let used = (chunk.len() - 1) * 8;
        if used < 24 && n & ((1 << (24 - used)) - 1) != 0 {
            return None;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image_options::ImageLimits;

    const SOURCE: &str = "/media/products/42/0123456789abcdef0123456789abcdef.jpg";

    fn options(text: &str) -> ImageOptions {
        ImageOptions::parse(text, &ImageLimits::default()).unwrap()
    }

    fn keys(config: &str) -> SigningKeys {
        SigningKeys::parse(config).unwrap()
    }

    #[test]
    fn a_signature_round_trips_and_ignores_how_the_options_were_spelled() {
        let keys = keys("k1:correct horse battery staple");
        let signature = keys.sign(&options("width=640,format=auto"), SOURCE).unwrap();
        assert!(signature.starts_with("k1."), "{signature}");
        assert_eq!(keys.verify(&options("f=auto,w=640"), SOURCE, Some(&signature)), Ok(()));
        assert_eq!(
            keys.verify(&options("w=640,f=auto"), SOURCE.trim_start_matches('/'), Some(&signature)),
            Ok(()),
            "the source's leading slash is not part of what is signed"
        );
        let url = keys.signed_url(&options("f=auto,w=640"), SOURCE).unwrap();
        assert_eq!(
            url,
            format!(
                "/cdn-cgi/image/width=640/media/products/42/0123456789abcdef0123456789abcdef.jpg?sig={signature}"
            )
        );
    }

    #[test]
    fn a_tampered_url_is_refused() {
        let keys = keys("k1:correct horse battery staple");
        let signature = keys.sign(&options("width=640"), SOURCE).unwrap();
        assert_eq!(
            keys.verify(&options("width=641"), SOURCE, Some(&signature)),
            Err(SignatureError::Mismatch)
        );
        let other_source = SOURCE.replace("/42/", "/43/");
        assert_eq!(
            keys.verify(&options("width=640"), &other_source, Some(&signature)),
            Err(SignatureError::Mismatch)
        );
        let mut flipped = signature.clone().into_bytes();
        let last = flipped.len() - 2;
        flipped[last] = if flipped[last] == b'A' { b'B' } else { b'A' };
        let flipped = String::from_utf8(flipped).unwrap();
        assert_eq!(keys.verify(&options("width=640"), SOURCE, Some(&flipped)), Err(SignatureError::Mismatch));
        assert_eq!(
            keys.verify(&options("width=640"), SOURCE, Some(&signature[..signature.len() - 4])),
            Err(SignatureError::Mismatch),
            "a truncated tag"
        );
        for bad in ["k1", "k1.!!!", "k1.A"] {
            assert_eq!(
                keys.verify(&options("width=640"), SOURCE, Some(bad)),
                Err(SignatureError::Malformed),
                "{bad}"
            );
        }
        assert_eq!(keys.verify(&options("width=640"), SOURCE, None), Err(SignatureError::Missing));
        assert_eq!(keys.verify(&options("width=640"), SOURCE, Some("")), Err(SignatureError::Missing));
    }

    #[test]
    fn an_unknown_key_id_is_refused() {
        let signer = keys("old:correct horse battery staple");
        let verifier = keys("new:another long secret value!");
        let signature = signer.sign(&options("width=640"), SOURCE).unwrap();
        assert_eq!(
            verifier.verify(&options("width=640"), SOURCE, Some(&signature)),
            Err(SignatureError::UnknownKey("old".into()))
        );
        let forged = signature.replacen("old.", "new.", 1);
        assert_eq!(
            verifier.verify(&options("width=640"), SOURCE, Some(&forged)),
            Err(SignatureError::Mismatch),
            "the same tag under another key id"
        );
        assert_eq!(
            SigningKeys::none().verify(&options("width=640"), SOURCE, Some(&signature)),
            Err(SignatureError::NoKeys)
        );
    }

    #[test]
    fn after_a_rotation_the_old_key_still_verifies_and_the_new_one_signs() {
        let before = keys("2026a:correct horse battery staple");
        let old_signature = before.sign(&options("width=640,height=480,fit=cover"), SOURCE).unwrap();
        let after = keys("2026b:another long secret value!, 2026a:correct horse battery staple");
        assert_eq!(after.signing_kid(), Some("2026b"));
        assert_eq!(after.verify(&options("w=640,h=480,fit=cover"), SOURCE, Some(&old_signature)), Ok(()));
        let new_signature = after.sign(&options("width=640"), SOURCE).unwrap();
        assert!(new_signature.starts_with("2026b."));
        assert_eq!(after.verify(&options("width=640"), SOURCE, Some(&new_signature)), Ok(()));
        assert_eq!(
            before.verify(&options("width=640"), SOURCE, Some(&new_signature)),
            Err(SignatureError::UnknownKey("2026b".into()))
        );
    }

    #[test]
    fn key_configurations_are_checked_and_secrets_never_printed() {
        assert!(SigningKeys::parse("").unwrap().is_empty());
        assert_eq!(SigningKeys::parse("k1:short"), Err(SigningKeysError::ShortSecret("k1".into())));
        assert!(matches!(SigningKeys::parse("nocolonhere-but-long"), Err(SigningKeysError::NotAPair(_))));
        assert!(matches!(
            SigningKeys::parse("bad kid:correct horse battery"),
            Err(SigningKeysError::BadKid(_))
        ));
        assert_eq!(
            SigningKeys::parse("a:correct horse battery staple,a:another long secret value!"),
            Err(SigningKeysError::DuplicateKid("a".into()))
        );
        let keys = keys("k1:correct horse battery staple");
        assert_eq!(format!("{keys:?}"), "[\"k1\"]");
        let error = SigningKeys::parse("supersecretwithoutkid").unwrap_err().to_string();
        assert!(!error.contains("supersecretwithoutkid"), "{error}");
    }

    #[test]
    fn base64url_round_trips_every_length() {
        for len in 0..40 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let encoded = base64url(&bytes);
            assert!(!encoded.contains(['+', '/', '=']));
            assert_eq!(base64url_decode(&encoded), Some(bytes));
        }
        assert_eq!(base64url(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url_decode("Zm9="), None);
        assert_eq!(base64url_decode("Zm8"), Some(b"fo".to_vec()));
        assert_eq!(base64url_decode("Zm9"), None, "non-zero unused bits");
    }
}
