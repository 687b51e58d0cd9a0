//! The kinds of shop in the demo marketplace. A vendor has one trade: it is named after it
//! ("Ikeja Phone Hub", "Kariakoo Fabrics"), sells only its product lines, and so only in its
//! category.

use linkedall_shared::ShippingZone;

use super::categories::{self, CategoryIndex};
use super::product_lines::{self, ProductLine};

pub struct Trade {
    /// What the shop names end with: "Phone Hub" in "Ikeja Phone Hub".
    pub shop_names: &'static [&'static str],
    /// What the shop sells, for its description: "phones, tablets and accessories".
    pub sells: &'static str,
    pub category: CategoryIndex,
    pub lines: &'static [ProductLine],
    /// How common the trade is among vendors (relative weight).
    pub weight: u32,
    /// What the shop promises every buyer, one sentence each.
    pub promises: &'static [&'static str],
    /// Where shops of this trade deliver: groceries and homeware near home, phones and
    /// electronics across their region, cloth and clothes across the continent.
    pub ships_to: ShippingZone,
}

pub const TRADES: &[Trade] = &[
    Trade {
        shop_names: &["Phone Hub", "Mobile", "Phones & Accessories", "Gadgets", "Phone Village"],
        ships_to: ShippingZone::Region,
        sells: "phones, tablets and accessories",
        category: categories::PHONES,
        lines: product_lines::PHONES,
        weight: 16,
        promises: &[
            "Original, sealed in the box, with a receipt.",
            "Warranty from the shop, and we set it up for you.",
            "Screen guard fitted free with every phone.",
        ],
    },
    Trade {
        shop_names: &["Fabrics", "Textiles", "Wax Prints", "Fabric House", "Cloth Market"],
        ships_to: ShippingZone::Africa,
        sells: "fabrics by the yard",
        category: categories::FASHION,
        lines: product_lines::FABRICS,
        weight: 10,
        promises: &[
            "Cut from the bolt the day you order.",
            "Ask for a photo of the full print before you buy.",
            "Tailors' prices for orders of ten pieces or more.",
        ],
    },
    Trade {
        shop_names: &["Styles", "Couture", "Boutique", "Tailoring", "Fashion House"],
        ships_to: ShippingZone::Africa,
        sells: "clothes, shoes and accessories",
        category: categories::FASHION,
        lines: product_lines::CLOTHES,
        weight: 8,
        promises: &[
            "Made to measure on request.",
            "Exchange within seven days if it does not fit.",
            "Sewn in our own workshop.",
        ],
    },
    Trade {
        shop_names: &["Provisions", "Foodstuff", "Foods", "Mini Mart", "Market Store"],
        ships_to: ShippingZone::Country,
        sells: "foodstuff and provisions",
        category: categories::GROCERIES,
        lines: product_lines::GROCERIES,
        weight: 16,
        promises: &[
            "Fresh stock every market day.",
            "Weighed in front of you; no short measure.",
            "Bulk prices for restaurants and caterers.",
        ],
    },
    Trade {
        shop_names: &["Beauty", "Cosmetics", "Naturals", "Glow", "Skin Care"],
        ships_to: ShippingZone::Region,
        sells: "skin and hair care",
        category: categories::BEAUTY,
        lines: product_lines::BEAUTY,
        weight: 12,
        promises: &[
            "Sealed and original, never diluted.",
            "Ask us which one suits your skin.",
            "Sold by the women who make it.",
        ],
    },
    Trade {
        shop_names: &["Home Store", "Homeware", "Kitchenware", "Crafts", "Interiors"],
        ships_to: ShippingZone::Country,
        sells: "kitchenware, crafts and things for the home",
        category: categories::HOME,
        lines: product_lines::HOME,
        weight: 12,
        promises: &[
            "Every handmade piece is a little different.",
            "Packed to arrive in one piece.",
            "Wholesale prices for hotels and restaurants.",
        ],
    },
    Trade {
        shop_names: &["Electronics", "Electricals", "Appliances", "Solar", "Digital"],
        ships_to: ShippingZone::Region,
        sells: "TVs, appliances and solar power",
        category: categories::ELECTRONICS,
        lines: product_lines::ELECTRONICS,
        weight: 10,
        promises: &[
            "Tested in front of you before delivery.",
            "Twelve-month warranty from the shop.",
            "Free installation within the city.",
        ],
    },
    Trade {
        shop_names: &["Computers", "Laptops", "IT Solutions", "Systems", "Tech"],
        ships_to: ShippingZone::Region,
        sells: "laptops, storage and networking",
        category: categories::COMPUTING,
        lines: product_lines::COMPUTING,
        weight: 8,
        promises: &[
            "Windows and Office installed on request.",
            "Tested and certified; seven days to return it.",
            "Student discounts with a school ID.",
        ],
    },
    Trade {
        shop_names: &["Kids", "Baby Shop", "Toys", "Little Ones", "Mother & Baby"],
        ships_to: ShippingZone::Country,
        sells: "baby essentials, kids' clothes and toys",
        category: categories::KIDS,
        lines: product_lines::KIDS,
        weight: 8,
        promises: &[
            "Safe, non-toxic materials.",
            "Loved by mothers across the city.",
            "Gift wrapping on request.",
        ],
    },
];
