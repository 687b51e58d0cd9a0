//! What the demo's vendors sell: product lines a shopper in each market would recognise, each
//! with the brand that makes it (if any), its sizes and styles, where it is sold and what it
//! costs. Prices are in US dollars, the one reference currency, and converted per market by
//! [`super::market::Market::price_minor`].

/// A product line: "Tecno Spark 20" in 128 or 256 GB, in three colours, for $110–160.
pub struct ProductLine {
    /// The maker, if the line carries a brand; it must make `model` (see [`BRANDS`]).
    pub brand: Option<&'static str>,
    pub model: &'static str,
    /// Sizes or capacities, cheapest first: each takes its own slice of the price range, so a
    /// 256 GB phone never costs less than the 128 GB one.
    pub sizes: &'static [&'static str],
    /// Colours, prints, scents: free choices that do not change the price.
    pub styles: &'static [&'static str],
    /// What the line sells for, in US dollars, from the cheapest size to the dearest.
    pub usd: (f64, f64),
    /// Countries (ISO codes) where shops sell it; empty for everywhere.
    pub sold_in: &'static [&'static str],
    /// One sentence about it for the product page.
    pub about: &'static str,
}

impl ProductLine {
    pub fn is_sold_in(&self, country: &str) -> bool {
        self.sold_in.is_empty() || self.sold_in.contains(&country)
    }
}

/// Brands and the model families they make: a branded line's model starts with one of its
/// brand's families, so the catalog never shows a "Samsung Hot 40i".
pub const BRANDS: &[(&str, &[&str])] = &[
    ("Tecno", &["Spark", "Camon", "Pop", "Pova"]),
    ("Infinix", &["Hot", "Note", "Smart", "Zero"]),
    ("itel", &["A70", "P55", "it2163"]),
    ("Samsung", &["Galaxy", "Crystal UHD"]),
    ("Xiaomi", &["Redmi"]),
    ("Nokia", &["105", "C32"]),
    ("Apple", &["iPhone", "MacBook"]),
    ("Oraimo", &["Traveler", "FreePods", "Firefly", "BoomPop"]),
    ("Hisense", &["A4", "A6"]),
    ("LG", &["UR73", "XBoom"]),
    ("Sony", &["SRS-XB", "Bravia"]),
    ("Binatone", &["Blender", "Electric kettle", "Standing fan"]),
    ("Sun King", &["Home", "Pico", "Boom"]),
    ("Firman", &["SPG"]),
    ("DStv", &["HD decoder", "Explora"]),
    ("GOtv", &["Supa"]),
    ("HP", &["250", "EliteBook", "DeskJet"]),
    ("Lenovo", &["IdeaPad", "ThinkPad"]),
    ("Dell", &["Latitude", "Inspiron"]),
    ("SanDisk", &["Ultra"]),
    ("Seagate", &["Expansion"]),
    ("TP-Link", &["Archer", "M7200"]),
    ("Logitech", &["M185", "K120"]),
    ("Vlisco", &["Hollandais"]),
    ("Mama Gold", &["Premium rice"]),
    ("Golden Penny", &["Semovita", "Spaghetti"]),
    ("Indomie", &["Instant noodles"]),
    ("Ketepa", &["Pride"]),
    ("Jogoo", &["Maize flour"]),
    ("Dudu-Osun", &["Black soap"]),
    ("X-pression", &["Ultra Braid"]),
    ("BURN", &["Jikokoa"]),
    ("Pampers", &["Baby-Dry"]),
    ("Nestlé", &["Cerelac"]),
];

const PHONE_COLOURS: &[&str] = &["Midnight Black", "Ocean Blue", "Mint Green", "Titanium Grey"];
const PRINTS: &[&str] =
    &["Indigo and gold", "Orange sunburst", "Green swirls", "Royal blue", "Red and black", "Purple fans"];
const NONE: &[&str] = &[];
const EVERYWHERE: &[&str] = &[];
const NIGERIA: &[&str] = &["NG"];
const WEST: &[&str] = &["NG", "GH", "SN", "CI", "CM"];
const FRANCOPHONE_WEST: &[&str] = &["SN", "CI", "CM"];
const EAST: &[&str] = &["KE", "UG", "TZ", "RW"];
const SUB_SAHARAN: &[&str] = &["NG", "GH", "SN", "CI", "CM", "KE", "UG", "TZ", "RW", "ET", "ZA"];

const fn line(
    brand: Option<&'static str>,
    model: &'static str,
    sizes: &'static [&'static str],
    styles: &'static [&'static str],
    usd: (f64, f64),
    sold_in: &'static [&'static str],
    about: &'static str,
) -> ProductLine {
    ProductLine { brand, model, sizes, styles, usd, sold_in, about }
}

#[rustfmt::skip]
pub const PHONES: &[ProductLine] = &[
    line(Some("Tecno"), "Spark 20", &["128 GB", "256 GB"], PHONE_COLOURS, (110.0, 160.0), EVERYWHERE, "6.6-inch screen, 50 MP camera and a 5,000 mAh battery."),
    line(Some("Tecno"), "Camon 30", &["256 GB"], PHONE_COLOURS, (230.0, 300.0), EVERYWHERE, "AMOLED screen and a 50 MP selfie camera."),
    line(Some("Tecno"), "Pop 8", &["64 GB", "128 GB"], PHONE_COLOURS, (75.0, 100.0), SUB_SAHARAN, "A first smartphone that lasts two days on a charge."),
    line(Some("Tecno"), "Pova 6", &["256 GB"], PHONE_COLOURS, (190.0, 240.0), EVERYWHERE, "6,000 mAh battery and 70 W charging."),
    line(Some("Infinix"), "Hot 40i", &["128 GB", "256 GB"], PHONE_COLOURS, (100.0, 140.0), EVERYWHERE, "90 Hz screen and 18 W fast charging."),
    line(Some("Infinix"), "Note 40", &["256 GB"], PHONE_COLOURS, (200.0, 260.0), EVERYWHERE, "AMOLED screen with wireless charging."),
    line(Some("Infinix"), "Smart 8", &["64 GB", "128 GB"], PHONE_COLOURS, (70.0, 95.0), SUB_SAHARAN, "Big screen, big battery, small price."),
    line(Some("itel"), "A70", &["64 GB", "128 GB"], PHONE_COLOURS, (65.0, 90.0), SUB_SAHARAN, "Dual SIM with a 5,000 mAh battery."),
    line(Some("itel"), "it2163", NONE, &["Black", "Blue"], (10.0, 15.0), SUB_SAHARAN, "Feature phone with torch and FM radio; the battery lasts a week."),
    line(Some("Nokia"), "105", NONE, &["Charcoal", "Blue"], (15.0, 22.0), EVERYWHERE, "The classic: keypad, Snake and weeks of standby."),
    line(Some("Samsung"), "Galaxy A05", &["64 GB", "128 GB"], PHONE_COLOURS, (95.0, 130.0), EVERYWHERE, "6.7-inch screen and 25 W charging."),
    line(Some("Samsung"), "Galaxy A15", &["128 GB", "256 GB"], PHONE_COLOURS, (150.0, 210.0), EVERYWHERE, "Super AMOLED screen and four years of updates."),
    line(Some("Samsung"), "Galaxy A25 5G", &["128 GB", "256 GB"], PHONE_COLOURS, (230.0, 300.0), EVERYWHERE, "5G, optical image stabilisation and a 120 Hz screen."),
    line(Some("Samsung"), "Galaxy Tab A9", &["64 GB", "128 GB"], &["Graphite", "Silver"], (150.0, 210.0), EVERYWHERE, "8.7-inch tablet for school, films and video calls."),
    line(Some("Xiaomi"), "Redmi 13C", &["128 GB", "256 GB"], PHONE_COLOURS, (105.0, 150.0), EVERYWHERE, "50 MP camera and a 90 Hz screen."),
    line(Some("Xiaomi"), "Redmi Note 13", &["128 GB", "256 GB"], PHONE_COLOURS, (190.0, 260.0), EVERYWHERE, "AMOLED screen and a 108 MP camera."),
    line(Some("Apple"), "iPhone 11 (UK used)", &["64 GB", "128 GB"], &["Black", "White", "Purple"], (260.0, 340.0), EVERYWHERE, "Graded A, battery health above 85%."),
    line(Some("Apple"), "iPhone 13", &["128 GB", "256 GB"], &["Midnight", "Starlight", "Blue"], (560.0, 720.0), EVERYWHERE, "Sealed in the box, with a one-year warranty."),
    line(Some("Oraimo"), "Traveler power bank", &["10,000 mAh", "20,000 mAh"], NONE, (12.0, 26.0), EVERYWHERE, "Charges a phone four times over during a power cut."),
    line(Some("Oraimo"), "FreePods 4 earbuds", NONE, &["Black", "White"], (25.0, 35.0), EVERYWHERE, "Noise cancelling and 35 hours with the case."),
    line(Some("Oraimo"), "Firefly fast charger", &["18 W", "33 W"], NONE, (6.0, 14.0), EVERYWHERE, "USB-C charger with cable included."),
    line(None, "Silicone phone case", NONE, &["Tecno Spark 20", "Infinix Hot 40i", "Samsung Galaxy A15", "Xiaomi Redmi 13C"], (2.0, 6.0), EVERYWHERE, "Soft-touch case with raised edges that protect the camera."),
    line(None, "Tempered glass screen guard", NONE, &["Tecno Spark 20", "Infinix Hot 40i", "Samsung Galaxy A15", "Apple iPhone 11"], (1.0, 4.0), EVERYWHERE, "Fitted for free at the shop."),
    line(None, "USB-C cable", &["1 m", "2 m"], NONE, (2.0, 5.0), EVERYWHERE, "Braided cable for fast charging."),
];

#[rustfmt::skip]
pub const FABRICS: &[ProductLine] = &[
    line(None, "Ankara wax print", &["6 yards", "12 yards"], PRINTS, (12.0, 45.0), EVERYWHERE, "100% cotton wax print, colourfast."),
    line(Some("Vlisco"), "Hollandais wax", &["6 yards"], PRINTS, (60.0, 120.0), WEST, "The original Dutch wax, with its selvedge mark."),
    line(None, "Handwoven kente cloth", &["stole", "2 yards", "6 yards", "12 yards"], &["Gold and green", "Red, gold and black", "Blue and silver"], (15.0, 400.0), EVERYWHERE, "Strip-woven on a traditional loom in Bonwire."),
    line(None, "Adire indigo tie-dye", &["2 yards", "4 yards"], &["Eleko", "Oniko", "Alabere"], (10.0, 30.0), WEST, "Dyed by hand in Abeokuta."),
    line(None, "Kitenge fabric", &["6 yards"], PRINTS, (8.0, 20.0), EAST, "Bright cotton print for dresses and shirts."),
    line(None, "Kanga", &["pair"], &["Red and yellow", "Blue and white", "Green and black"], (5.0, 10.0), &["KE", "TZ"], "A pair with a printed Swahili saying."),
    line(None, "Maasai shuka", NONE, &["Red check", "Blue check"], (6.0, 15.0), &["KE", "TZ"], "Warm, thick cotton check."),
    line(None, "Swiss voile lace", &["5 yards"], &["Wine", "Champagne", "Emerald", "Peach"], (40.0, 120.0), &["NG", "GH"], "Beaded and stoned lace for owambe outfits."),
    line(None, "George wrapper", &["2 pieces"], &["Wine", "Gold", "Royal blue"], (35.0, 90.0), NIGERIA, "Silk george for the Igbo traditional wedding."),
    line(None, "Aso-oke", &["set"], &["Burgundy", "Gold", "Sky blue"], (50.0, 150.0), NIGERIA, "Handwoven, with gele and ipele."),
    line(None, "Bazin riche", &["5 m"], &["Indigo", "Lemon", "Fuchsia", "White"], (20.0, 60.0), FRANCOPHONE_WEST, "Polished damask for boubous."),
    line(None, "Bogolan mudcloth", &["1 panel"], &["Black and white", "Brown"], (20.0, 45.0), &["SN", "CI"], "Fermented-mud dye on handwoven cotton."),
    line(None, "Shweshwe fabric", &["per metre"], &["Indigo", "Brown", "Red"], (4.0, 8.0), &["ZA"], "Crisp printed cotton from the Eastern Cape."),
    line(None, "Egyptian cotton fabric", &["per metre"], &["White", "Ivory", "Sky blue"], (4.0, 10.0), &["EG"], "Long-staple cotton for shirts and galabeyas."),
    line(None, "Damask brocade", &["3 m"], &["Gold", "Silver", "Emerald"], (15.0, 40.0), &["MA", "EG"], "Brocade for caftans and takchitas."),
    line(None, "Habesha cotton (shemma)", &["2 m", "4 m"], &["White with tilet border"], (15.0, 45.0), &["ET"], "Handwoven cotton with a woven tilet border."),
];

#[rustfmt::skip]
pub const CLOTHES: &[ProductLine] = &[
    line(None, "Ankara maxi dress", &["size S", "size M", "size L", "size XL"], PRINTS, (15.0, 45.0), EVERYWHERE, "Cut and sewn by hand; message the vendor for custom sizes."),
    line(None, "Dashiki shirt", &["size M", "size L", "size XL"], PRINTS, (8.0, 20.0), EVERYWHERE, "Loose cotton shirt with an embroidered neckline."),
    line(None, "Agbada set (3 pieces)", &["size M", "size L", "size XL"], &["White", "Navy", "Wine"], (60.0, 200.0), &["NG", "GH"], "Embroidered agbada with buba and sokoto."),
    line(None, "Senator kaftan", &["size M", "size L", "size XL"], &["Black", "Navy", "Olive"], (20.0, 60.0), WEST, "Tailored two-piece for Fridays and ceremonies."),
    line(None, "Grand boubou", &["size M", "size L", "size XL"], &["Indigo", "White", "Sky blue"], (40.0, 120.0), FRANCOPHONE_WEST, "Bazin boubou with hand embroidery."),
    line(None, "Djellaba", &["size M", "size L", "size XL"], &["Beige", "Grey", "Navy"], (30.0, 90.0), &["MA"], "Wool blend with a pointed hood."),
    line(None, "Galabeya", &["size M", "size L", "size XL"], &["White", "Striped"], (15.0, 40.0), &["EG"], "Cool cotton for summer."),
    line(None, "Habesha kemis", &["size S", "size M", "size L"], &["White and gold", "White and green"], (40.0, 150.0), &["ET"], "Handwoven dress with a tibeb border."),
    line(None, "Handmade leather sandals", &["size 40", "size 41", "size 42", "size 43", "size 44"], &["Tan", "Black"], (10.0, 30.0), EVERYWHERE, "Stitched leather that softens with wear."),
    line(None, "Babouche slippers", &["size 39", "size 41", "size 43"], &["Yellow", "Red", "White"], (10.0, 25.0), &["MA"], "Goat leather from the Fez tanneries."),
    line(None, "Maasai beaded necklace", NONE, &["Red", "Rainbow", "Blue"], (5.0, 20.0), &["KE", "TZ"], "Beaded by hand by a women's group."),
    line(None, "Gele headwrap", NONE, &["Gold", "Silver", "Coral"], (8.0, 25.0), &["NG"], "Stiff aso-oke gele that holds its shape."),
];

#[rustfmt::skip]
pub const GROCERIES: &[ProductLine] = &[
    line(Some("Mama Gold"), "Premium rice", &["5 kg", "10 kg", "25 kg", "50 kg bag"], NONE, (7.0, 60.0), NIGERIA, "Long-grain parboiled rice that cooks without sticking."),
    line(None, "Ofada rice", &["5 kg", "25 kg", "50 kg bag"], NONE, (8.0, 65.0), NIGERIA, "Local unpolished rice, stone-free."),
    line(None, "Basmati rice", &["1 kg", "5 kg", "25 kg"], NONE, (2.0, 40.0), EVERYWHERE, "Aged long-grain rice."),
    line(None, "Broken rice (riz brisé)", &["5 kg", "25 kg", "50 kg bag"], NONE, (5.0, 45.0), FRANCOPHONE_WEST, "The rice for thiéboudienne."),
    line(None, "Red palm oil", &["1 L", "5 L", "25 L jerrycan"], NONE, (2.0, 45.0), &["NG", "GH", "CI", "CM", "SN"], "Fresh, unbleached palm oil."),
    line(None, "Vegetable oil", &["1 L", "5 L", "20 L"], NONE, (2.0, 35.0), EVERYWHERE, "Refined cooking oil."),
    line(None, "Yellow garri", &["paint bucket", "50 kg bag"], NONE, (3.0, 45.0), &["NG", "GH"], "Crisp garri, well fried, no sand."),
    line(None, "Honey beans (oloyin)", &["paint bucket", "50 kg bag"], NONE, (5.0, 70.0), NIGERIA, "Sweet brown beans, picked clean."),
    line(None, "Egusi (melon seeds)", &["500 g", "1 kg", "paint bucket"], NONE, (3.0, 25.0), &["NG", "GH", "CM"], "Peeled and ground on request."),
    line(None, "Fresh tilapia", &["1 kg", "2 kg", "5 kg"], NONE, (3.0, 20.0), EVERYWHERE, "Farmed tilapia, cleaned and scaled on request."),
    line(None, "Dried crayfish", &["1 cup", "paint bucket"], NONE, (2.0, 30.0), &["NG", "CM"], "Sun-dried and sorted."),
    line(None, "Plantain", &["bunch"], NONE, (3.0, 8.0), &["NG", "GH", "CI", "CM"], "Ripe or unripe, say which."),
    line(None, "Yam tubers", &["3 tubers", "10 tubers"], NONE, (6.0, 30.0), &["NG", "GH"], "Big Abuja yams."),
    line(Some("Golden Penny"), "Semovita", &["1 kg", "5 kg", "10 kg"], NONE, (1.5, 14.0), &["NG", "GH"], "Smooth swallow in minutes."),
    line(Some("Golden Penny"), "Spaghetti", &["500 g", "carton of 20"], NONE, (0.8, 15.0), NIGERIA, "Durum wheat pasta."),
    line(Some("Indomie"), "Instant noodles", &["pack of 5", "carton of 40"], &["Chicken", "Onion chicken", "Pepper chicken"], (1.0, 12.0), &["NG", "GH", "KE"], "Ready in three minutes."),
    line(None, "Suya spice (yaji)", &["100 g", "500 g"], NONE, (1.0, 5.0), &["NG", "GH"], "Ground peanut and pepper blend."),
    line(None, "Shito pepper sauce", &["250 ml", "500 ml"], NONE, (2.0, 6.0), &["GH"], "Black pepper sauce with dried fish and shrimp."),
    line(None, "Attiéké", &["1 kg", "5 kg"], NONE, (1.5, 8.0), &["CI", "SN"], "Fermented cassava couscous from Dabou."),
    line(None, "Couscous", &["1 kg", "5 kg"], NONE, (1.5, 8.0), &["MA", "EG", "SN"], "Fine durum wheat couscous."),
    line(None, "Ful medames (fava beans)", &["400 g tin", "1 kg"], NONE, (1.0, 4.0), &["EG"], "Slow-cooked fava beans for breakfast."),
    line(None, "Harissa paste", &["200 g"], NONE, (1.5, 3.0), &["MA"], "Red pepper paste with garlic and caraway."),
    line(Some("Jogoo"), "Maize flour", &["2 kg", "carton of 12 × 2 kg"], NONE, (1.5, 18.0), &["KE"], "Sifted white maize flour for ugali."),
    line(None, "Maize flour (posho)", &["2 kg", "10 kg"], NONE, (1.5, 8.0), &["UG", "TZ", "RW"], "Fine white maize flour."),
    line(None, "Matoke (green bananas)", &["bunch"], NONE, (3.0, 8.0), &["UG", "RW"], "A full bunch from Mbarara."),
    line(Some("Ketepa"), "Pride black tea", &["100 g", "250 g", "500 g"], NONE, (1.0, 4.0), &["KE", "UG", "TZ"], "Kenyan highland tea."),
    line(None, "Teff flour", &["1 kg", "5 kg", "25 kg"], &["White", "Red"], (2.0, 45.0), &["ET"], "Stone-ground teff for injera."),
    line(None, "Berbere spice", &["250 g", "1 kg"], NONE, (2.0, 8.0), &["ET"], "Roasted chilli blend, ground fresh."),
    line(None, "Super maize meal", &["2.5 kg", "10 kg"], NONE, (2.0, 8.0), &["ZA"], "Fine maize meal for pap."),
    line(None, "Rooibos tea", &["40 bags", "80 bags"], NONE, (2.0, 5.0), &["ZA"], "Caffeine-free red bush tea from the Cederberg."),
    line(None, "Granulated sugar", &["1 kg", "5 kg", "50 kg bag"], NONE, (1.0, 55.0), EVERYWHERE, "White sugar."),
];

#[rustfmt::skip]
pub const BEAUTY: &[ProductLine] = &[
    line(None, "Raw shea butter", &["250 g", "500 g", "1 kg"], &["Unscented", "Lavender"], (3.0, 12.0), EVERYWHERE, "Unrefined shea from northern Ghana."),
    line(None, "African black soap", &["200 g", "500 g", "1 kg"], NONE, (2.0, 8.0), EVERYWHERE, "Made from plantain-skin ash and palm kernel oil."),
    line(Some("Dudu-Osun"), "Black soap", &["150 g", "pack of 3"], NONE, (1.0, 3.5), &["NG", "GH"], "With shea butter, honey and aloe vera."),
    line(None, "Pure argan oil", &["30 ml", "50 ml", "100 ml"], NONE, (8.0, 35.0), EVERYWHERE, "Cold-pressed by a women's cooperative near Essaouira."),
    line(None, "Marula oil", &["30 ml", "50 ml"], NONE, (10.0, 30.0), &["ZA", "KE", "TZ"], "Light oil that sinks straight in."),
    line(None, "Chebe hair powder", &["100 g", "250 g"], NONE, (6.0, 20.0), EVERYWHERE, "Traditional Chadian length-retention powder."),
    line(Some("X-pression"), "Ultra Braid", &["pack", "pack of 5"], &["1B", "Brown 30", "Burgundy"], (1.5, 8.0), SUB_SAHARAN, "Pre-stretched braiding hair."),
    line(None, "Cocoa butter body lotion", &["400 ml", "750 ml"], NONE, (3.0, 9.0), EVERYWHERE, "Rich lotion for dry skin."),
    line(None, "Baobab face serum", &["30 ml"], NONE, (8.0, 20.0), EVERYWHERE, "Vitamin C from baobab fruit."),
    line(None, "Henna powder", &["100 g", "500 g"], NONE, (2.0, 8.0), &["MA", "EG", "SN"], "Body-art quality henna."),
    line(None, "Ghassoul clay", &["250 g", "1 kg"], NONE, (3.0, 10.0), &["MA"], "Atlas mountain clay for the hammam."),
    line(None, "Black seed oil", &["100 ml", "250 ml"], NONE, (5.0, 15.0), &["EG", "ET", "MA"], "Cold-pressed nigella sativa."),
];

#[rustfmt::skip]
pub const HOME: &[ProductLine] = &[
    line(None, "Bolga basket", &["small", "medium", "large"], &["Natural", "Multicolour"], (10.0, 45.0), EVERYWHERE, "Elephant-grass basket woven in Bolgatanga, with a leather handle."),
    line(None, "Clay tagine", &["2 people", "4 people", "6 people"], &["Plain", "Painted"], (10.0, 35.0), &["MA"], "Glazed clay from Safi, for gas or charcoal."),
    line(None, "Wooden mortar and pestle", &["small", "large"], NONE, (6.0, 25.0), SUB_SAHARAN, "Carved from a single block of hardwood."),
    line(Some("BURN"), "Jikokoa charcoal cookstove", NONE, &["Black", "Green"], (35.0, 55.0), EAST, "Uses half the charcoal of a metal jiko."),
    line(None, "Enamel pot set", &["3 pieces", "5 pieces"], &["Red flowers", "Blue flowers"], (12.0, 35.0), EVERYWHERE, "The pots of every African kitchen."),
    line(None, "Non-stick frying pan", &["24 cm", "28 cm"], NONE, (8.0, 20.0), EVERYWHERE, "Works on gas and electric."),
    line(None, "Food flask set", &["3 pieces", "4 pieces"], &["Gold", "Silver"], (15.0, 40.0), WEST, "Keeps jollof hot for the whole party."),
    line(None, "Mudcloth cushion cover", &["45 cm"], &["Black and white", "Rust"], (8.0, 20.0), EVERYWHERE, "Hand-dyed cotton with a zip."),
    line(None, "Sisal table mats", &["set of 6"], &["Natural", "Multicolour"], (10.0, 25.0), EVERYWHERE, "Woven sisal from Kenya."),
    line(None, "Jebena coffee pot", &["small", "large"], NONE, (6.0, 15.0), &["ET"], "Black clay pot for the coffee ceremony."),
    line(None, "Moroccan tea glasses", &["set of 6"], &["Gold rim", "Blue", "Green"], (8.0, 20.0), &["MA", "EG"], "Painted glasses for mint tea."),
    line(None, "Moroccan teapot", &["0.8 L", "1.2 L"], &["Silver", "Gold"], (12.0, 40.0), &["MA"], "Engraved teapot for mint tea."),
    line(None, "Treated mosquito net", &["single bed", "double bed"], NONE, (5.0, 12.0), SUB_SAHARAN, "Long-lasting insecticidal net."),
];

#[rustfmt::skip]
pub const ELECTRONICS: &[ProductLine] = &[
    line(Some("Hisense"), "A4 smart TV", &["32\"", "43\""], NONE, (140.0, 320.0), EVERYWHERE, "Full HD with Netflix and YouTube built in."),
    line(Some("Hisense"), "A6 4K UHD TV", &["50\"", "55\"", "65\""], NONE, (330.0, 700.0), EVERYWHERE, "4K with Dolby Vision."),
    line(Some("LG"), "UR73 4K smart TV", &["43\"", "55\"", "65\""], NONE, (300.0, 900.0), EVERYWHERE, "webOS with ThinQ AI."),
    line(Some("Samsung"), "Crystal UHD TV", &["43\"", "55\"", "65\""], NONE, (320.0, 950.0), EVERYWHERE, "Crystal processor 4K."),
    line(Some("Sony"), "SRS-XB100 speaker", NONE, &["Black", "Blue"], (45.0, 65.0), EVERYWHERE, "Small speaker, big sound, 16 hours."),
    line(Some("LG"), "XBoom XL7 party speaker", NONE, NONE, (380.0, 520.0), EVERYWHERE, "250 W with a light show for parties."),
    line(Some("Oraimo"), "BoomPop headphones", NONE, &["Black", "Blue"], (15.0, 25.0), EVERYWHERE, "Over-ear Bluetooth, 60 hours playtime."),
    line(Some("Binatone"), "Blender BLG-450", &["1.5 L"], NONE, (30.0, 45.0), WEST, "Crushes pepper and tomatoes for stew."),
    line(Some("Binatone"), "Electric kettle", &["1.7 L"], NONE, (15.0, 25.0), WEST, "Boils in three minutes."),
    line(Some("Binatone"), "Standing fan", &["16\"", "18\""], NONE, (30.0, 55.0), WEST, "Three speeds and a timer."),
    line(None, "Rechargeable standing fan", &["16\"", "18\""], NONE, (35.0, 65.0), SUB_SAHARAN, "Runs eight hours when the light goes."),
    line(Some("Sun King"), "Home 60 solar kit", NONE, NONE, (90.0, 150.0), SUB_SAHARAN, "Panel, battery, three lights and phone charging."),
    line(Some("Sun King"), "Pico solar lantern", NONE, NONE, (8.0, 15.0), SUB_SAHARAN, "A day in the sun lights an evening."),
    line(None, "Pure sine wave inverter", &["1.5 kVA", "2.5 kVA", "3.5 kVA"], NONE, (180.0, 600.0), SUB_SAHARAN, "Keeps the fridge and TV on through outages."),
    line(Some("Firman"), "SPG3000 generator", NONE, NONE, (250.0, 400.0), &["NG", "GH"], "2.8 kVA petrol generator with key start."),
    line(Some("DStv"), "HD decoder", NONE, NONE, (20.0, 40.0), &["NG", "GH", "KE", "UG", "TZ", "ZA"], "With dish, LNB and installation."),
    line(Some("GOtv"), "Supa decoder", NONE, NONE, (12.0, 25.0), &["NG", "KE", "UG", "GH"], "With antenna; one month included."),
];

#[rustfmt::skip]
pub const COMPUTING: &[ProductLine] = &[
    line(Some("HP"), "250 G9 laptop", &["8 GB RAM, 256 GB SSD", "16 GB RAM, 512 GB SSD"], NONE, (380.0, 650.0), EVERYWHERE, "15.6-inch Core i5 for office work."),
    line(Some("HP"), "EliteBook 840 G5 (UK used)", &["8 GB RAM, 256 GB SSD", "16 GB RAM, 512 GB SSD"], NONE, (220.0, 340.0), EVERYWHERE, "Grade A, tested, with charger."),
    line(Some("Lenovo"), "IdeaPad Slim 3", &["8 GB RAM, 256 GB SSD", "16 GB RAM, 512 GB SSD"], NONE, (350.0, 620.0), EVERYWHERE, "Light, with a full-HD screen."),
    line(Some("Lenovo"), "ThinkPad T480 (refurbished)", &["8 GB RAM, 256 GB SSD", "16 GB RAM, 512 GB SSD"], NONE, (200.0, 310.0), EVERYWHERE, "The keyboard programmers swear by."),
    line(Some("Dell"), "Latitude 5490 (refurbished)", &["8 GB RAM, 256 GB SSD"], NONE, (190.0, 290.0), EVERYWHERE, "Business laptop, tested and certified."),
    line(Some("Dell"), "Inspiron 15", &["8 GB RAM, 512 GB SSD", "16 GB RAM, 1 TB SSD"], NONE, (420.0, 720.0), EVERYWHERE, "Core i5 with a backlit keyboard."),
    line(Some("Apple"), "MacBook Air M1", &["8 GB, 256 GB"], &["Space Grey", "Silver", "Gold"], (750.0, 1000.0), EVERYWHERE, "Eighteen hours of battery, silent."),
    line(Some("HP"), "DeskJet 2720 printer", NONE, NONE, (60.0, 90.0), EVERYWHERE, "Print, scan and copy over Wi-Fi."),
    line(Some("SanDisk"), "Ultra USB flash drive", &["32 GB", "64 GB", "128 GB"], NONE, (5.0, 18.0), EVERYWHERE, "USB 3.0."),
    line(Some("SanDisk"), "Ultra microSD card", &["64 GB", "128 GB", "256 GB"], NONE, (7.0, 30.0), EVERYWHERE, "For phones, cameras and dashcams."),
    line(Some("Seagate"), "Expansion external drive", &["1 TB", "2 TB", "4 TB"], NONE, (55.0, 130.0), EVERYWHERE, "Plug-and-play backup."),
    line(Some("TP-Link"), "Archer C6 Wi-Fi router", NONE, NONE, (35.0, 50.0), EVERYWHERE, "Dual-band Wi-Fi for the whole house."),
    line(Some("TP-Link"), "M7200 4G MiFi", NONE, NONE, (40.0, 60.0), EVERYWHERE, "Pocket Wi-Fi for ten devices; works on every network."),
    line(Some("Logitech"), "M185 wireless mouse", NONE, &["Grey", "Blue"], (10.0, 16.0), EVERYWHERE, "A year on one AA battery."),
    line(Some("Logitech"), "K120 keyboard", NONE, NONE, (9.0, 14.0), EVERYWHERE, "Spill-resistant USB keyboard."),
];

#[rustfmt::skip]
pub const KIDS: &[ProductLine] = &[
    line(Some("Pampers"), "Baby-Dry diapers", &["size 3, 58 pieces", "size 4, 52 pieces", "size 5, 44 pieces"], NONE, (12.0, 22.0), EVERYWHERE, "Up to 12 hours dry."),
    line(Some("Nestlé"), "Cerelac infant cereal", &["400 g", "1 kg"], &["Wheat", "Maize", "Rice"], (4.0, 10.0), EVERYWHERE, "From six months, with iron."),
    line(None, "Ankara baby carrier wrap", NONE, PRINTS, (10.0, 25.0), EVERYWHERE, "Carry baby on your back the way mothers always have."),
    line(None, "Ankara baby romper", &["0-6 months", "6-12 months", "12-24 months"], PRINTS, (6.0, 15.0), EVERYWHERE, "Soft cotton with snap buttons."),
    line(None, "Wooden toy truck", NONE, &["Natural", "Painted"], (6.0, 18.0), EVERYWHERE, "Hand-carved, with turning wheels."),
    line(None, "School backpack", &["nursery", "primary", "secondary"], &["Blue", "Pink", "Black"], (8.0, 25.0), EVERYWHERE, "Padded straps and a water-bottle pocket."),
    line(None, "Baby blanket", NONE, &["Blue", "Pink", "Yellow"], (6.0, 18.0), EVERYWHERE, "Soft fleece, washable."),
    line(None, "Anansi stories picture book", NONE, NONE, (4.0, 12.0), EVERYWHERE, "Spider tales to read aloud at bedtime."),
    line(None, "Baby feeding bottle set", &["3 bottles", "6 bottles"], NONE, (5.0, 15.0), EVERYWHERE, "BPA-free with anti-colic teats."),
];
