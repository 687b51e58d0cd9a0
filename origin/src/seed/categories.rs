//! The shop's categories, in the order the home page lists them. Which products fill each is
//! up to the vendors' trades ([`super::trades`]).

/// A catalog category as shoppers see it.
pub struct CategorySpec {
    pub slug: &'static str,
    pub name: &'static str,
    pub description: &'static str,
}

/// Index of a category in [`CATEGORIES`].
pub type CategoryIndex = usize;

pub const PHONES: CategoryIndex = 0;
pub const FASHION: CategoryIndex = 1;
pub const GROCERIES: CategoryIndex = 2;
pub const BEAUTY: CategoryIndex = 3;
pub const HOME: CategoryIndex = 4;
pub const ELECTRONICS: CategoryIndex = 5;
pub const COMPUTING: CategoryIndex = 6;
pub const KIDS: CategoryIndex = 7;

pub const CATEGORIES: &[CategorySpec] = &[
    CategorySpec {
        slug: "phones-tablets",
        name: "Phones & Tablets",
        description: "Smartphones, feature phones, tablets and the accessories that keep them going.",
    },
    CategorySpec {
        slug: "fashion",
        name: "Fashion",
        description: "Ankara, kente, kitenge and everyday wear from local tailors and brands.",
    },
    CategorySpec {
        slug: "groceries",
        name: "Groceries",
        description: "Staples, spices and snacks from markets across the continent.",
    },
    CategorySpec {
        slug: "beauty",
        name: "Beauty",
        description: "Shea, black soap, argan and marula: skin and hair care made in Africa.",
    },
    CategorySpec {
        slug: "home-kitchen",
        name: "Home & Kitchen",
        description: "Baskets, cookware, textiles and solar lighting for the home.",
    },
    CategorySpec {
        slug: "electronics",
        name: "Electronics",
        description: "TVs, speakers, solar kits and appliances.",
    },
    CategorySpec {
        slug: "computing",
        name: "Computing",
        description: "Laptops, desktops, storage and networking.",
    },
    CategorySpec {
        slug: "baby-kids",
        name: "Baby & Kids",
        description: "Clothes, toys and essentials for little ones.",
    },
];
