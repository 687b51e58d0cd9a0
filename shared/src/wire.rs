//! The binary format between the edge and the origin: one version byte, then postcard.
//!
//! Postcard is compact and fast to decode in wasm, but it is not self-describing: an edge
//! built against older types would misread a newer origin's bytes silently. The leading
//! version byte turns that into a clear [`DomainError::WireVersion`]. Bump [`WIRE_VERSION`]
//! whenever a type in [`crate::feeds`] changes shape.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::DomainError;

/// The version of the wire format this build writes and reads.
pub const WIRE_VERSION: u8 = 7;

/// The media type a client puts in `Accept` to get this format instead of JSON.
pub const MEDIA_TYPE: &str = "application/x-postcard";

/// Encodes a value as `[WIRE_VERSION, postcard bytes…]`.
pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    let mut out = vec![WIRE_VERSION];
    // Serializing our own plain data types into a Vec cannot fail: postcard only errors on
    // unsupported serde features (untagged enums, `skip_serializing_if`), which we do not use.
    out.extend(postcard::to_allocvec(value).expect("wire types serialize with postcard"));
    out
}

/// Decodes bytes written by [`encode`], refusing any other version.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DomainError> {
    let (&version, body) = bytes.split_first().ok_or(DomainError::WireEmpty)?;
    if version != WIRE_VERSION {
        return Err(DomainError::WireVersion { expected: WIRE_VERSION, found: version });
    }
    postcard::from_bytes(body).map_err(|e| DomainError::WireDecode(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::*;

    fn sample() -> ProductDetail {
        ProductDetail {
            product: Product {
                id: ProductId::new(7),
                vendor_id: VendorId::new(3),
                category_id: CategoryId::new(1),
                name: "Tecno Spark 20".into(),
                slug: "tecno-spark-20".into(),
                description: "6.6\" screen".into(),
                price: Money::new(Currency::NGN, 18_500_000),
                stock: Stock(12),
                image: "/images/products/7.svg".into(),
                photo: None,
                rating: Rating { count: 2, sum: 9 },
            },
            vendor: Vendor {
                id: VendorId::new(3),
                name: "Ikeja Gadgets".into(),
                slug: "ikeja-gadgets".into(),
                city: "Lagos".into(),
                country: "NG".into(),
                description: "Phones".into(),
                ships_to: Default::default(),
            },
            category: Category {
                id: CategoryId::new(1),
                slug: "phones".into(),
                name: "Phones & Tablets".into(),
                description: "".into(),
            },
            reviews: vec![Review {
                id: 1,
                product_id: ProductId::new(7),
                product_name: "Tecno Spark 20".into(),
                author: "Amaka".into(),
                stars: Stars::new(5).unwrap(),
                text: "Fast phone".into(),
                written_at: "2026-12-07T10:00:00Z".into(),
                answer: Some(VendorAnswer {
                    text: "Thank you".into(),
                    answered_at: "2026-12-07T11:00:00Z".into(),
                }),
            }],
            photos: vec![Photo {
                product: ProductId::new(7),
                hash: "0123456789abcdef0123456789abcdef".into(),
                format: PhotoFormat::Jpeg,
                width: 1600,
                height: 1200,
                thumbhash: "3OcRJYB4d3h/iIeHeEh3eIhw+j3A".into(),
            }],
        }
    }

    #[test]
    fn values_round_trip() {
        let detail = sample();
        assert_eq!(decode::<ProductDetail>(&encode(&detail)).unwrap(), detail);
    }

    #[test]
    fn another_version_fails_clearly() {
        let mut bytes = encode(&sample());
        bytes[0] = WIRE_VERSION + 1;
        let err = decode::<ProductDetail>(&bytes).unwrap_err();
        assert_eq!(err, DomainError::WireVersion { expected: WIRE_VERSION, found: WIRE_VERSION + 1 });
        assert!(err.to_string().contains("deploy matching"));
    }

    #[test]
    fn empty_and_truncated_payloads_are_errors_not_panics() {
        assert_eq!(decode::<ProductDetail>(&[]).unwrap_err(), DomainError::WireEmpty);
        let bytes = encode(&sample());
        for cut in 1..bytes.len() {
            assert!(decode::<ProductDetail>(&bytes[..cut]).is_err());
        }
    }
}
