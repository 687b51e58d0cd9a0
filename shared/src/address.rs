//! Where an order is delivered, written the way our shoppers give directions: a city, an area
//! or estate, and landmark directions ("opposite the Total filling station, blue gate"), since
//! street addresses are rare; and a phone number the rider can call, which is required and
//! checked against the country's numbering plan (its dialling code and how many digits follow).
//! The origin refuses an address that does not pass [`AddressForm::validate`]; the edge runs
//! the same check first, so the shopper reads what to fix in their language.

use serde::{Deserialize, Serialize};

use crate::Market;

/// A delivery address that passed [`AddressForm::validate`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    /// Who receives the parcel.
    pub name: String,
    /// In international form, `+2348031234567`.
    pub phone: String,
    /// ISO 3166-1 alpha-2 of one of our markets.
    pub country: String,
    pub city: String,
    /// Area, estate or street.
    pub area: String,
    /// Landmarks and directions; may be empty.
    pub directions: String,
}

/// An address as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressForm {
    pub name: String,
    pub phone: String,
    pub country: String,
    pub city: String,
    pub area: String,
    #[serde(default)]
    pub directions: String,
}

/// What is wrong with a typed address, one per field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressProblem {
    /// No name, or a name over [`MAX_FIELD_CHARS`].
    Name,
    /// Not a number of the country's plan.
    Phone,
    /// Not one of our markets.
    Country,
    City,
    Area,
    /// Directions over [`MAX_DIRECTIONS_CHARS`].
    Directions,
}

impl AddressProblem {
    /// The form field the problem is about.
    pub const fn field(self) -> &'static str {
        match self {
            AddressProblem::Name => "name",
            AddressProblem::Phone => "phone",
            AddressProblem::Country => "country",
            AddressProblem::City => "city",
            AddressProblem::Area => "area",
            AddressProblem::Directions => "directions",
        }
    }
}

/// Longest name, city or area.
pub const MAX_FIELD_CHARS: usize = 100;
/// Longest directions.
pub const MAX_DIRECTIONS_CHARS: usize = 300;

impl From<&Address> for AddressForm {
    /// A checked address as the form that would type it again (checkout filling the form with a
    /// shopper's earlier address).
    fn from(address: &Address) -> Self {
        AddressForm {
            name: address.name.clone(),
            phone: address.phone.clone(),
            country: address.country.clone(),
            city: address.city.clone(),
            area: address.area.clone(),
            directions: address.directions.clone(),
        }
    }
}

impl AddressForm {
    /// The address, trimmed, with the phone in international form; or every problem found.
    pub fn validate(&self) -> Result<Address, Vec<AddressProblem>> {
        let text = |value: &str| value.split_whitespace().collect::<Vec<_>>().join(" ");
        let (name, city, area, directions) =
            (text(&self.name), text(&self.city), text(&self.area), text(&self.directions));
        let country = self.country.trim().to_ascii_uppercase();
        let known = Market::find(&country).is_some();
        let phone = known.then(|| international_phone(&self.phone, &country)).flatten();
        let mut problems = Vec::new();
        let filled = |value: &str| !value.is_empty() && value.chars().count() <= MAX_FIELD_CHARS;
        if !filled(&name) {
            problems.push(AddressProblem::Name);
        }
        if !known {
            problems.push(AddressProblem::Country);
        } else if phone.is_none() {
            problems.push(AddressProblem::Phone);
        }
        if !filled(&city) {
            problems.push(AddressProblem::City);
        }
        if !filled(&area) {
            problems.push(AddressProblem::Area);
        }
        if directions.chars().count() > MAX_DIRECTIONS_CHARS {
            problems.push(AddressProblem::Directions);
        }
        match phone {
            Some(phone) if problems.is_empty() => {
                Ok(Address { name, phone, country, city, area, directions })
            }
            _ => Err(problems),
        }
    }
}

/// `typed` as an international number of `country`'s plan (`+2348031234567`), accepting the
/// ways people write one: `+234 803 123 4567`, `00234…`, `0803-123-4567`, `803 123 4567`.
pub fn international_phone(typed: &str, country: &str) -> Option<String> {
    let (dial, lengths) = numbering_plan(country)?;
    let typed = typed.trim();
    let international = typed.starts_with('+');
    let digits: String = typed.trim_start_matches('+').chars().filter(char::is_ascii_digit).collect();
    let allowed = |c: char| c.is_ascii_digit() || " -().".contains(c);
    if !typed.trim_start_matches('+').chars().all(allowed) || digits.is_empty() {
        return None;
    }
    // A national number never starts with the trunk 0, except where the plan made it a digit of
    // the number (Côte d'Ivoire and Benin, since their ten-digit plans).
    let zero_is_a_digit = matches!(country, "CI" | "BJ");
    let fits = |national: &str| {
        (lengths.contains(&national.len()) && (zero_is_a_digit || !national.starts_with('0')))
            .then(|| format!("+{dial}{national}"))
    };
    let after_dial = |digits: &str| digits.strip_prefix(dial).and_then(fits);
    if international {
        return after_dial(&digits);
    }
    if let Some(rest) = digits.strip_prefix("00") {
        return after_dial(rest);
    }
    after_dial(&digits).or_else(|| fits(&digits)).or_else(|| digits.strip_prefix('0').and_then(fits))
}

/// A market's dialling code and how many digits its national numbers have (ITU-T E.164
/// national significant numbers; mobile numbers in each case).
fn numbering_plan(country: &str) -> Option<(&'static str, std::ops::RangeInclusive<usize>)> {
    let (dial, min, max) = match country {
        "DZ" => ("213", 9, 9),
        "EG" => ("20", 10, 10),
        "LY" => ("218", 9, 9),
        "MA" => ("212", 9, 9),
        "SD" => ("249", 9, 9),
        "TN" => ("216", 8, 8),
        "BJ" => ("229", 10, 10),
        "BF" => ("226", 8, 8),
        "CV" => ("238", 7, 7),
        "CI" => ("225", 10, 10),
        "GM" => ("220", 7, 7),
        "GH" => ("233", 9, 9),
        "GN" => ("224", 9, 9),
        "GW" => ("245", 9, 9),
        "LR" => ("231", 7, 9),
        "ML" => ("223", 8, 8),
        "MR" => ("222", 8, 8),
        "NE" => ("227", 8, 8),
        "NG" => ("234", 10, 10),
        "SN" => ("221", 9, 9),
        "SL" => ("232", 8, 8),
        "TG" => ("228", 8, 8),
        "AO" => ("244", 9, 9),
        "CM" => ("237", 9, 9),
        "CF" => ("236", 8, 8),
        "TD" => ("235", 8, 8),
        "CG" => ("242", 9, 9),
        "CD" => ("243", 9, 9),
        "GQ" => ("240", 9, 9),
        "GA" => ("241", 7, 8),
        "ST" => ("239", 7, 7),
        "BI" => ("257", 8, 8),
        "KM" => ("269", 7, 7),
        "DJ" => ("253", 8, 8),
        "ER" => ("291", 7, 7),
        "ET" => ("251", 9, 9),
        "KE" => ("254", 9, 9),
        "MG" => ("261", 9, 9),
        "MW" => ("265", 9, 9),
        "MU" => ("230", 8, 8),
        "MZ" => ("258", 9, 9),
        "RW" => ("250", 9, 9),
        "SC" => ("248", 7, 7),
        "SO" => ("252", 8, 9),
        "SS" => ("211", 9, 9),
        "TZ" => ("255", 9, 9),
        "UG" => ("256", 9, 9),
        "ZM" => ("260", 9, 9),
        "ZW" => ("263", 9, 9),
        "BW" => ("267", 8, 8),
        "LS" => ("266", 8, 8),
        "NA" => ("264", 9, 9),
        "ZA" => ("27", 9, 9),
        "SZ" => ("268", 8, 8),
        _ => return None,
    };
    Some((dial, min..=max))
}

/// The example a form shows for `market`'s phone numbers (`+234 …`).
pub fn dialling_prefix(market: &Market) -> Option<String> {
    numbering_plan(market.country).map(|(dial, _)| format!("+{dial}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_read_the_ways_people_write_them() {
        for typed in
            ["+234 803 123 4567", "002348031234567", "0803-123-4567", "803 123 4567", "2348031234567"]
        {
            assert_eq!(international_phone(typed, "NG").as_deref(), Some("+2348031234567"), "{typed}");
        }
        assert_eq!(international_phone("0712 345 678", "KE").as_deref(), Some("+254712345678"));
        // Côte d'Ivoire's ten digits keep their leading 0.
        assert_eq!(international_phone("07 07 12 34 56", "CI").as_deref(), Some("+2250707123456"));
        assert_eq!(international_phone("20 123 456", "TN").as_deref(), Some("+21620123456"));
        for (typed, country) in [
            ("0803 123 456", "NG"),
            ("+254 712 345 678", "NG"),
            ("call me", "NG"),
            ("", "KE"),
            ("0712345678", "XX"),
            ("0712 345 678 ext 2", "KE"),
        ] {
            assert_eq!(international_phone(typed, country), None, "{typed} in {country}");
        }
    }

    #[test]
    fn every_market_has_a_numbering_plan() {
        for market in crate::market::MARKETS {
            assert!(numbering_plan(market.country).is_some(), "{}", market.country);
        }
    }

    #[test]
    fn an_address_needs_a_name_a_phone_a_city_and_an_area() {
        let form = AddressForm {
            name: "  Amaka   Obi ".into(),
            phone: "0803 123 4567".into(),
            country: "ng".into(),
            city: "Lagos".into(),
            area: "Lekki Phase 1".into(),
            directions: "Opposite the filling station,\n blue gate".into(),
        };
        let address = form.validate().unwrap();
        assert_eq!(address.name, "Amaka Obi");
        assert_eq!(address.phone, "+2348031234567");
        assert_eq!(address.country, "NG");
        assert_eq!(address.directions, "Opposite the filling station, blue gate");
        let empty = AddressForm { country: "NG".into(), ..AddressForm::default() };
        use AddressProblem::*;
        assert_eq!(empty.validate(), Err(vec![Name, Phone, City, Area]));
        let abroad = AddressForm { country: "FR".into(), ..form.clone() };
        assert_eq!(abroad.validate(), Err(vec![Country]));
        let rambling = AddressForm { directions: "x".repeat(MAX_DIRECTIONS_CHARS + 1), ..form };
        assert_eq!(rambling.validate(), Err(vec![Directions]));
    }
}
