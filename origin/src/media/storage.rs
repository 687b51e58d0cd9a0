//! Where photo bytes live: an `object_store` — a local folder by default, an S3-compatible
//! bucket (S3, R2, MinIO) by configuration ([`MediaLocation`]) — under keys that are the media
//! paths without `/media/` — `products/{product}/{hash}.{ext}` and
//! `products/{product}/{hash}/{preset}.{ext}` — so every key is content-addressed.

use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use futures_util::TryStreamExt;
use linkedall_images::Limits;
use linkedall_shared::{Photo, PhotoFormat, Preset};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, PutPayload};
use tokio::sync::Semaphore;

use super::location::{MediaLocation, S3Settings};
use crate::error::{Error, Result};

/// The formats variants are made in (AVIF is not: see the `linkedall-images` docs).
pub const VARIANT_FORMATS: [PhotoFormat; 2] = [PhotoFormat::Webp, PhotoFormat::Jpeg];

/// Limits and folders for photos; every limit is a setting (see `config.rs`).
#[derive(Debug, Clone)]
pub struct MediaSettings {
    /// Largest upload accepted, counted while it streams in (default 20 MB).
    pub max_upload_bytes: u64,
    /// Size limits checked on the header before decoding, and the decoder's memory cap.
    pub limits: Limits,
    /// Photos decoded or resized at once; each can need a few hundred MB.
    pub concurrent_processing: usize,
}

impl Default for MediaSettings {
    fn default() -> Self {
        MediaSettings { max_upload_bytes: 20_000_000, limits: Limits::default(), concurrent_processing: 2 }
    }
}

/// The photo object store, with the limits uploads are held to.
#[derive(Clone)]
pub struct MediaStore {
    objects: Arc<dyn ObjectStore>,
    /// The local folder, when the store is one (tests look inside).
    root: Option<PathBuf>,
    pub settings: MediaSettings,
    processing: Arc<Semaphore>,
}

impl std::fmt::Debug for MediaStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MediaStore").field("objects", &self.objects.to_string()).finish()
    }
}

fn storage_error(during: &str) -> impl FnOnce(object_store::Error) -> Error + '_ {
    move |error| {
        metrics::counter!("media_store_errors_total").increment(1);
        Error::Media(format!("{during}: {error}"))
    }
}

impl MediaStore {
    /// The store `location` names: a folder, or a bucket reached with `s3`.
    pub fn open(location: &MediaLocation, s3: &S3Settings, settings: MediaSettings) -> Result<MediaStore> {
        let store = match location {
            MediaLocation::Folder(root) => Self::local(root, settings),
            MediaLocation::Bucket { bucket, prefix } => Self::s3(bucket, prefix, s3, settings),
        }?;
        tracing::info!(store = %location.describe(), "product photos stored in {}", location.describe());
        Ok(store)
    }

    /// A store in the local folder `root` (created if missing).
    pub fn local(root: &FsPath, settings: MediaSettings) -> Result<MediaStore> {
        std::fs::create_dir_all(root)?;
        let objects = LocalFileSystem::new_with_prefix(root)
            .map_err(|error| Error::Config(format!("media folder {}: {error}", root.display())))?;
        Ok(Self::with_objects(Arc::new(objects), Some(root.to_owned()), settings))
    }

    /// A store in `bucket` of an S3-compatible service (S3, R2, MinIO), objects under
    /// `prefix`. Nothing is sent until the first request: a wrong key or a missing bucket shows
    /// as a failing upload (and `media_store_errors_total`), not at start.
    pub fn s3(bucket: &str, prefix: &str, s3: &S3Settings, settings: MediaSettings) -> Result<MediaStore> {
        s3.validate()?;
        // The standard AWS_* variables first, our settings over them.
        let mut builder = AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .with_region(s3.region.as_deref().unwrap_or("us-east-1"))
            .with_allow_http(s3.allows_http());
        if let Some(endpoint) = &s3.endpoint {
            // Path-style addressing (`endpoint/bucket/key`): what R2, MinIO and moto expect.
            builder = builder.with_endpoint(endpoint).with_virtual_hosted_style_request(false);
        }
        if let (Some(id), Some(secret)) = (&s3.access_key_id, &s3.secret_access_key) {
            builder = builder.with_access_key_id(id).with_secret_access_key(secret);
        }
        let bucket_store =
            builder.build().map_err(|error| Error::Config(format!("S3 bucket {bucket:?}: {error}")))?;
        let objects: Arc<dyn ObjectStore> = if prefix.is_empty() {
            Arc::new(bucket_store)
        } else {
            Arc::new(PrefixStore::new(bucket_store, prefix))
        };
        Ok(Self::with_objects(objects, None, settings))
    }

    fn with_objects(
        objects: Arc<dyn ObjectStore>,
        root: Option<PathBuf>,
        settings: MediaSettings,
    ) -> MediaStore {
        let processing = Arc::new(Semaphore::new(settings.concurrent_processing.max(1)));
        MediaStore { objects, root, settings, processing }
    }

    /// Every object key in the store, sorted (tests and audits; it lists the whole store).
    pub async fn keys(&self) -> Result<Vec<String>> {
        let mut keys: Vec<String> = self
            .objects
            .list(None)
            .map_ok(|meta| meta.location.to_string())
            .try_collect()
            .await
            .map_err(storage_error("listing photos"))?;
        keys.sort();
        Ok(keys)
    }

    /// A store in a fresh folder under the system's temporary folder (tests, `with_store`).
    pub fn temporary() -> Result<MediaStore> {
        let root = std::env::temp_dir().join(format!("linkedall-media-{}", uuid::Uuid::new_v4()));
        Self::local(&root, MediaSettings::default())
    }

    /// The local folder objects are written to, if the store is a local one.
    pub fn root(&self) -> Option<&FsPath> {
        self.root.as_deref()
    }

    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<()> {
        let size = bytes.len();
        self.objects
            .put(&Path::from(key), PutPayload::from(bytes))
            .await
            .map_err(storage_error("storing a photo"))?;
        metrics::counter!("media_objects_written_total").increment(1);
        metrics::counter!("media_bytes_written_total").increment(size as u64);
        Ok(())
    }

    /// The object's bytes, or `None` when there is no such object.
    pub async fn get(&self, key: &str) -> Result<Option<Bytes>> {
        match self.objects.get(&Path::from(key)).await {
            Ok(object) => Ok(Some(object.bytes().await.map_err(storage_error("reading a photo"))?)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(error) => Err(storage_error("reading a photo")(error)),
        }
    }

    pub async fn exists(&self, key: &str) -> Result<bool> {
        match self.objects.head(&Path::from(key)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(error) => Err(storage_error("looking for a photo")(error)),
        }
    }

    /// Deletes the object; an absent one is not an error.
    pub async fn delete(&self, key: &str) -> Result<()> {
        match self.objects.delete(&Path::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(error) => Err(storage_error("deleting a photo")(error)),
        }
    }

    /// Deletes a photo's original and every variant, logging (not failing on) errors: the
    /// row is already gone, so what is left is unreachable garbage at worst.
    pub async fn delete_photo(&self, photo: &Photo) {
        let mut keys = vec![object_key(&photo.original_path()).to_owned()];
        for preset in Preset::ALL {
            for format in VARIANT_FORMATS {
                keys.push(object_key(&photo.variant_path(preset, format)).to_owned());
            }
        }
        for key in keys {
            if let Err(error) = self.delete(&key).await {
                tracing::warn!(%error, key, "could not delete a photo object");
            }
        }
        self.remove_empty_variant_folder(photo);
        metrics::counter!("media_photos_deleted_total").increment(1);
    }

    /// LocalFileSystem leaves a photo's emptied variant folder behind; object stores have no
    /// folders. Removes it if it is empty.
    pub fn remove_empty_variant_folder(&self, photo: &Photo) {
        if let Some(root) = &self.root {
            let folder =
                root.join(object_key(&photo.original_path()).rsplit_once('.').map_or("", |(stem, _)| stem));
            let _ = std::fs::remove_dir(folder);
        }
    }

    /// Runs CPU-heavy photo work on the blocking pool, at most
    /// [`MediaSettings::concurrent_processing`] at a time, so uploads cannot exhaust memory.
    pub async fn process<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
        let _permit = self
            .processing
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| Error::Media("photo processing has stopped".into()))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|error| Error::Media(format!("photo processing: {error}")))
    }
}

/// The object key of a media path: the path without its leading `/media/`.
pub fn object_key(media_path: &str) -> &str {
    media_path.strip_prefix("/media/").unwrap_or(media_path)
}
