//! Where a vendor ships: their own country (the default, what a new shop can surely do), their
//! region of the continent (as [`Region`] divides it), or all of Africa. A product whose vendor
//! does not reach the shopper's country says so on its page and cannot be added to a cart.

use serde::{Deserialize, Serialize};

use crate::{Market, Region};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ShippingZone {
    /// Only within the vendor's own country.
    #[default]
    Country,
    /// Every country of the vendor's region.
    Region,
    /// Every one of our 54 markets.
    Africa,
}

impl ShippingZone {
    pub const ALL: [ShippingZone; 3] = [ShippingZone::Country, ShippingZone::Region, ShippingZone::Africa];

    /// The stored and wire name (`vendors.ships_to`).
    pub const fn as_str(self) -> &'static str {
        match self {
            ShippingZone::Country => "country",
            ShippingZone::Region => "region",
            ShippingZone::Africa => "africa",
        }
    }

    pub fn parse(value: &str) -> Option<ShippingZone> {
        ShippingZone::ALL.into_iter().find(|zone| zone.as_str() == value.trim())
    }

    /// Whether a vendor in `from` with this zone delivers to a shopper in `to`.
    pub fn reaches(self, from: &Market, to: &Market) -> bool {
        match self {
            ShippingZone::Country => from.country == to.country,
            ShippingZone::Region => from.region == to.region,
            ShippingZone::Africa => true,
        }
    }

    /// The countries of a region, for a store filter ("ships to me") written as SQL: a vendor
    /// reaches `to` when its country is `to`'s, or it ships to the region and its country is one
    /// of these, or it ships to all of Africa.
    pub fn region_countries(region: Region) -> impl Iterator<Item = &'static str> {
        crate::MARKETS.iter().filter(move |market| market.region == region).map(|market| market.country)
    }
}

#[cfg(test)]
mod tests {
    use super::ShippingZone;
    use crate::Market;

    #[test]
    fn each_zone_reaches_what_it_says() {
        let (lagos, accra, nairobi) =
            (Market::of_country("NG"), Market::of_country("GH"), Market::of_country("KE"));
        assert!(ShippingZone::Country.reaches(lagos, lagos));
        assert!(!ShippingZone::Country.reaches(lagos, accra));
        assert!(ShippingZone::Region.reaches(lagos, accra));
        assert!(!ShippingZone::Region.reaches(lagos, nairobi));
        assert!(ShippingZone::Africa.reaches(lagos, nairobi));
    }

    #[test]
    fn names_round_trip_and_unknown_ones_are_refused() {
        for zone in ShippingZone::ALL {
            assert_eq!(ShippingZone::parse(zone.as_str()), Some(zone));
        }
        assert_eq!(ShippingZone::parse("world"), None);
    }

    #[test]
    fn a_region_lists_its_own_countries_only() {
        let west: Vec<_> = ShippingZone::region_countries(crate::Region::West).collect();
        assert!(west.contains(&"NG") && west.contains(&"GH"));
        assert!(!west.contains(&"KE"));
    }
}
