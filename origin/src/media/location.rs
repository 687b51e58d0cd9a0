//! Where the photo object store lives, from configuration: a local folder (the default, for
//! `cargo run` and tests) or an S3-compatible bucket — Amazon S3, Cloudflare R2, MinIO, or the
//! `moto` server the tests run.
//!
//! `LINKEDALL_MEDIA_STORE` names it: a folder path or `file:///path`, or `s3://bucket[/prefix]`.
//! For a bucket the rest comes from [`S3Settings`]: `LINKEDALL_S3_ENDPOINT` (R2:
//! `https://<account id>.r2.cloudflarestorage.com`; absent for AWS itself),
//! `LINKEDALL_S3_REGION` (R2: `auto`), `LINKEDALL_S3_ACCESS_KEY_ID`,
//! `LINKEDALL_S3_SECRET_ACCESS_KEY`. Parsed once at start; a bad value stops the origin with a
//! message naming the setting.

use std::path::PathBuf;

use crate::error::{Error, Result};

/// The configured photo store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaLocation {
    /// A folder on this machine, created if missing.
    Folder(PathBuf),
    /// A bucket of an S3-compatible store, objects under `prefix` (no leading or trailing `/`;
    /// empty for the bucket's root).
    Bucket { bucket: String, prefix: String },
}

impl MediaLocation {
    /// Parses `LINKEDALL_MEDIA_STORE`: `s3://bucket[/prefix]`, `file:///path`, or a path.
    pub fn parse(text: &str) -> Result<MediaLocation> {
        let text = text.trim();
        let refuse = |why: &str| Error::Config(format!("LINKEDALL_MEDIA_STORE {text:?}: {why}"));
        if let Some(rest) = text.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if !valid_bucket(bucket) {
                return Err(refuse(
                    "expected s3://<bucket>[/<prefix>], the bucket 3 to 63 lowercase letters, digits, '.' or '-'",
                ));
            }
            let prefix = prefix.trim_matches('/');
            if prefix.split('/').any(|part| part == "." || part == "..") {
                return Err(refuse("the prefix may not contain `.` or `..` parts"));
            }
            return Ok(MediaLocation::Bucket { bucket: bucket.to_owned(), prefix: prefix.to_owned() });
        }
        if let Some((scheme, _)) = text.split_once("://")
            && scheme != "file"
        {
            return Err(refuse("expected a folder, file:///path or s3://bucket (R2 and MinIO are s3://)"));
        }
        let path = text.strip_prefix("file://").unwrap_or(text);
        if path.is_empty() {
            return Err(refuse("empty: give a folder or s3://bucket"));
        }
        Ok(MediaLocation::Folder(PathBuf::from(path)))
    }

    /// What logs show: the folder, or `s3://bucket/prefix` (never a key).
    pub fn describe(&self) -> String {
        match self {
            MediaLocation::Folder(path) => path.display().to_string(),
            MediaLocation::Bucket { bucket, prefix } if prefix.is_empty() => format!("s3://{bucket}"),
            MediaLocation::Bucket { bucket, prefix } => format!("s3://{bucket}/{prefix}"),
        }
    }
}

/// S3 bucket names: 3–63 of lowercase letters, digits, `.` and `-`, starting and ending with a
/// letter or digit.
fn valid_bucket(bucket: &str) -> bool {
    let edge = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    (3..=63).contains(&bucket.len())
        && bucket.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        && edge(bucket.bytes().next())
        && edge(bucket.bytes().last())
}

/// How to reach an S3-compatible store. Keys absent here are taken from the standard
/// `AWS_*` variables (and instance credentials on AWS) by the client.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct S3Settings {
    /// `https://<account>.r2.cloudflarestorage.com`, `http://127.0.0.1:9000`, or `None` for
    /// AWS's own endpoint of the region. Plain `http://` is allowed only when named here.
    pub endpoint: Option<String>,
    /// `us-east-1` when absent; R2 takes `auto`.
    pub region: Option<String>,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
}

impl std::fmt::Debug for S3Settings {
    /// The secret never reaches a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Settings")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &self.secret_access_key.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl S3Settings {
    /// Checks the endpoint is an http(s) URL, and that keys come in pairs.
    pub fn validate(&self) -> Result<()> {
        if let Some(endpoint) = &self.endpoint
            && !(endpoint.starts_with("https://") || endpoint.starts_with("http://"))
        {
            return Err(Error::Config(format!(
                "LINKEDALL_S3_ENDPOINT {endpoint:?}: expected an http:// or https:// URL"
            )));
        }
        if self.access_key_id.is_some() != self.secret_access_key.is_some() {
            return Err(Error::Config(
                "LINKEDALL_S3_ACCESS_KEY_ID and LINKEDALL_S3_SECRET_ACCESS_KEY go together: set both or neither"
                    .into(),
            ));
        }
        Ok(())
    }

    /// Whether the endpoint is plain HTTP (a local server; never a production store).
    pub fn allows_http(&self) -> bool {
        self.endpoint.as_deref().is_some_and(|e| e.starts_with("http://"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_folders_and_file_urls_parse() {
        assert_eq!(
            MediaLocation::parse("s3://linkedall-media").unwrap(),
            MediaLocation::Bucket { bucket: "linkedall-media".into(), prefix: String::new() }
        );
        assert_eq!(
            MediaLocation::parse("s3://linkedall-media/prod/photos/").unwrap(),
            MediaLocation::Bucket { bucket: "linkedall-media".into(), prefix: "prod/photos".into() }
        );
        assert_eq!(MediaLocation::parse("data/media").unwrap(), MediaLocation::Folder("data/media".into()));
        assert_eq!(
            MediaLocation::parse("file:///var/lib/linkedall").unwrap(),
            MediaLocation::Folder("/var/lib/linkedall".into())
        );
        assert_eq!(MediaLocation::parse("s3://b-1.x/p").unwrap().describe(), "s3://b-1.x/p");
    }

    #[test]
    fn bad_locations_are_refused_naming_the_setting() {
        for bad in [
            "s3://",
            "s3://UPPER",
            "s3://ab",
            "s3://-bucket",
            "s3://b_x",
            "gs://bucket",
            "",
            "s3://ok-b/../x",
        ] {
            let error = MediaLocation::parse(bad).unwrap_err().to_string();
            assert!(error.contains("LINKEDALL_MEDIA_STORE"), "{bad:?}: {error}");
        }
    }

    #[test]
    fn s3_settings_need_url_endpoints_and_paired_keys_and_hide_the_secret() {
        let r2 = S3Settings {
            endpoint: Some("https://abc.r2.cloudflarestorage.com".into()),
            region: Some("auto".into()),
            access_key_id: Some("id".into()),
            secret_access_key: Some("very-secret".into()),
        };
        r2.validate().unwrap();
        assert!(!r2.allows_http());
        assert!(!format!("{r2:?}").contains("very-secret"));
        let local = S3Settings { endpoint: Some("http://127.0.0.1:9000".into()), ..S3Settings::default() };
        assert!(local.allows_http());
        let no_scheme =
            S3Settings { endpoint: Some("abc.r2.cloudflarestorage.com".into()), ..S3Settings::default() };
        assert!(no_scheme.validate().unwrap_err().to_string().contains("LINKEDALL_S3_ENDPOINT"));
        let half = S3Settings { access_key_id: Some("id".into()), ..S3Settings::default() };
        assert!(half.validate().is_err());
    }
}
