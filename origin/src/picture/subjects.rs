//! What a generated picture shows: one recognisable object per kind of product, drawn with
//! a few SVG shapes, a highlight (`url(#lit)`) and a shadow.

use super::{Look, escape};

/// The kinds of object the pictures draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Phone,
    FeaturePhone,
    Tablet,
    Earbuds,
    Headphones,
    Charger,
    Device,
    Lantern,
    Television,
    Speaker,
    Blender,
    Kettle,
    Fan,
    Laptop,
    Stick,
    Mouse,
    Keyboard,
    Fabric,
    Garment,
    Sandals,
    Necklace,
    Sack,
    Bottle,
    Jerrycan,
    Jar,
    Fish,
    Bunch,
    Tubers,
    Packet,
    Soap,
    Braids,
    Basket,
    Pot,
    Tagine,
    Teapot,
    Mortar,
    Stove,
    Cushion,
    Glasses,
    Truck,
    Backpack,
    Book,
    /// Anything the rules below do not recognise: a brown-paper parcel.
    Parcel,
}

impl Subject {
    /// The object for a product, from its lower-cased name and its category's slug.
    pub fn of(lower: &str, category: &str) -> Subject {
        let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
        use Subject::*;
        let rules: &[(&[&str], Subject)] = match category {
            "phones-tablets" => &[
                (&["earbuds", "freepods"], Earbuds),
                (&["charger", "cable"], Charger),
                (&["power bank"], Device),
                (&["tab "], Tablet),
                (&["nokia 105", "it2163"], FeaturePhone),
                (&[""], Phone),
            ],
            "electronics" => &[
                (&["decoder", "inverter", "generator", "solar kit"], Device),
                (&[" tv"], Television),
                (&["speaker"], Speaker),
                (&["headphones"], Headphones),
                (&["blender"], Blender),
                (&["kettle"], Kettle),
                (&["fan"], Fan),
                (&["lantern"], Lantern),
            ],
            "computing" => &[
                (&["laptop", "macbook", "thinkpad", "latitude", "inspiron", "ideapad", "elitebook"], Laptop),
                (&["flash drive", "microsd"], Stick),
                (&["mouse"], Mouse),
                (&["keyboard"], Keyboard),
                (&["printer", "drive", "router", "mifi"], Device),
            ],
            "fashion" => &[
                (&["sandals", "babouche", "slippers"], Sandals),
                (&["necklace"], Necklace),
                (&["dress", "shirt", "agbada", "kaftan", "boubou", "djellaba", "galabeya", "kemis"], Garment),
                (&[""], Fabric),
            ],
            "groceries" => &[
                (&["jerrycan", "20 l"], Jerrycan),
                (&[" oil"], Bottle),
                (&["tilapia", "fish"], Fish),
                (&["plantain", "matoke"], Bunch),
                (&["yam"], Tubers),
                (&["noodles", "spaghetti", " tea"], Packet),
                (&["sauce", "paste", "spice", "egusi", "crayfish", "ful medames"], Jar),
                (&[""], Sack),
            ],
            "beauty" => &[
                (&["soap"], Soap),
                (&["braid"], Braids),
                (&[" oil", "serum", "lotion"], Bottle),
                (&[""], Jar),
            ],
            "home-kitchen" => &[
                (&["basket"], Basket),
                (&["tagine"], Tagine),
                (&["teapot", "jebena"], Teapot),
                (&["mortar"], Mortar),
                (&["cookstove"], Stove),
                (&["cushion", "mats"], Cushion),
                (&["glasses"], Glasses),
                (&["pot", "pan", "flask"], Pot),
                (&["net"], Packet),
            ],
            "baby-kids" => &[
                (&["diapers", "cereal"], Packet),
                (&["wrap", "blanket"], Fabric),
                (&["romper"], Garment),
                (&["truck"], Truck),
                (&["backpack"], Backpack),
                (&["book"], Book),
                (&["bottle"], Bottle),
            ],
            _ => &[],
        };
        rules.iter().find(|(words, _)| has(words)).map_or(Parcel, |(_, subject)| *subject)
    }

    /// Half the width of the object's shadow on the floor.
    pub fn footprint(self) -> u32 {
        match self {
            Subject::Television | Subject::Laptop | Subject::Keyboard => 230,
            Subject::Fabric | Subject::Tablet | Subject::Fish | Subject::Bunch | Subject::Sandals => 190,
            Subject::Stick | Subject::Mouse | Subject::Earbuds | Subject::Soap => 120,
            _ => 160,
        }
    }

    /// The object's shapes, in the product's colours.
    pub fn draw(self, look: &Look, lower: &str) -> String {
        let (body, accent, third) = (look.body, look.accent, look.third);
        let tilt = look.vary(9) as i64 - 4;
        match self {
            Subject::Phone => format!(
                r##"<defs><linearGradient id="screen" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="{accent}"/><stop offset="1" stop-color="#0b1a33"/></linearGradient></defs><g transform="rotate({back} 240 230)">{case}<rect x="180" y="86" width="60" height="74" rx="16" fill="#000" opacity="0.3"/><circle cx="201" cy="108" r="11" fill="#111" stroke="#aaa" stroke-width="3"/><circle cx="201" cy="140" r="11" fill="#111" stroke="#aaa" stroke-width="3"/><circle cx="226" cy="108" r="4" fill="#ffe9a8"/></g><g transform="rotate({front} 370 230)">{glass}<rect x="305" y="86" width="132" height="278" rx="16" fill="url(#screen)"/>{apps}<circle cx="371" cy="98" r="5" fill="#000"/></g>"##,
                back = -12 + tilt,
                front = 6 + tilt / 2,
                case = lit(r#"rect x="165" y="70" width="150" height="300" rx="26""#, body),
                glass = lit(r#"rect x="296" y="76" width="150" height="300" rx="26""#, "#1b1d22"),
                apps = grid(322, 250, (4, 2), (28, 20), r#"#fff" fill-opacity="0.55"#),
            ),
            Subject::FeaturePhone => format!(
                r##"<g transform="rotate({tilt} 300 240)">{case}<rect x="256" y="118" width="88" height="74" rx="6" fill="{accent}"/><rect x="262" y="124" width="76" height="62" fill="#cfe3f7" opacity="0.6"/>{keys}</g>"##,
                case = lit(r#"rect x="240" y="100" width="120" height="270" rx="22""#, body),
                keys = grid(258, 215, (3, 5), (30, 28), r#"#e8e8e8" fill-opacity="0.9"#),
            ),
            Subject::Tablet => format!(
                r##"<defs><linearGradient id="screen" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="{accent}"/><stop offset="1" stop-color="#0b1a33"/></linearGradient></defs><g transform="rotate({tilt} 300 230)">{frame}<rect x="136" y="116" width="328" height="218" rx="10" fill="url(#screen)"/>{apps}</g>"##,
                frame = lit(r#"rect x="124" y="104" width="352" height="242" rx="22""#, "#26282e"),
                apps = grid(170, 160, (6, 3), (46, 50), r#"#fff" fill-opacity="0.5"#),
            ),
            Subject::Earbuds => format!(
                r##"{case}<path d="M210 268 H390" stroke="#000" stroke-opacity="0.2" stroke-width="3"/><circle cx="255" cy="175" r="28" fill="{body}"/><rect x="247" y="180" width="16" height="62" rx="8" fill="{body}"/><circle cx="345" cy="175" r="28" fill="{body}"/><rect x="337" y="180" width="16" height="62" rx="8" fill="{body}"/><circle cx="300" cy="300" r="6" fill="{accent}"/>"##,
                case = lit(r#"rect x="205" y="230" width="190" height="140" rx="60""#, body),
            ),
            Subject::Headphones => format!(
                r##"<path d="M185 280 C185 110 415 110 415 280" fill="none" stroke="{body}" stroke-width="24" stroke-linecap="round"/>{left}{right}<rect x="190" y="262" width="24" height="80" rx="10" fill="{accent}"/><rect x="386" y="262" width="24" height="80" rx="10" fill="{accent}"/>"##,
                left = lit(r#"rect x="150" y="245" width="72" height="120" rx="32""#, body),
                right = lit(r#"rect x="378" y="245" width="72" height="120" rx="32""#, body),
            ),
            Subject::Charger => format!(
                r##"<path d="M300 300 C300 390 430 380 440 320 S500 230 530 270" fill="none" stroke="#2b2b2b" stroke-width="11" stroke-linecap="round"/><rect x="520" y="262" width="22" height="34" rx="6" fill="#ccc"/><rect x="272" y="120" width="14" height="44" fill="#bbb"/><rect x="314" y="120" width="14" height="44" fill="#bbb"/>{block}<rect x="262" y="200" width="76" height="8" rx="4" fill="{accent}"/>"##,
                block = lit(r#"rect x="235" y="160" width="130" height="150" rx="22""#, if body == "#23252b" { body } else { "#f2f2f0" }),
            ),
            Subject::Device => device(look, lower),
            Subject::Lantern => format!(
                r##"<path d="M255 130 C255 70 345 70 345 130" fill="none" stroke="#333" stroke-width="10"/>{top}<rect x="240" y="170" width="120" height="150" rx="14" fill="#fff6c8"/><ellipse cx="300" cy="245" rx="54" ry="70" fill="#ffd54a" opacity="0.9"/><circle cx="300" cy="245" r="100" fill="#ffe27a" opacity="0.25"/>{bottom}<rect x="250" y="134" width="100" height="26" fill="#1d3f6e"/>"##,
                top = lit(r#"rect x="228" y="128" width="144" height="44" rx="12""#, accent),
                bottom = lit(r#"rect x="228" y="318" width="144" height="54" rx="12""#, accent),
            ),
            Subject::Television => format!(
                r##"<defs><linearGradient id="screen" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#8ec5ff"/><stop offset="1" stop-color="{accent}"/></linearGradient></defs><path d="M200 340 L170 392 M400 340 L430 392" stroke="#222" stroke-width="10" stroke-linecap="round"/>{frame}<rect x="92" y="72" width="416" height="252" fill="url(#screen)"/><circle cx="{sun}" cy="130" r="30" fill="#ffe9a0"/><path d="M92 324 L92 250 Q200 190 300 250 T508 230 L508 324 Z" fill="#1f6b3a" opacity="0.85"/>"##,
                frame = lit(r#"rect x="80" y="60" width="440" height="280" rx="8""#, "#15161a"),
                sun = 160 + look.vary(260),
            ),
            Subject::Speaker => format!(
                r##"{case}<circle cx="300" cy="180" r="44" fill="#111" stroke="{accent}" stroke-width="6"/><circle cx="300" cy="180" r="14" fill="#333"/><circle cx="300" cy="292" r="52" fill="#111" stroke="{accent}" stroke-width="6"/><circle cx="300" cy="292" r="18" fill="#333"/>"##,
                case = lit(r#"rect x="222" y="110" width="156" height="272" rx="60""#, body),
            ),
            Subject::Blender => format!(
                r##"<path d="M245 100 L355 100 L340 300 L260 300 Z" fill="#dff1fb" opacity="0.7" stroke="#9cb8c8" stroke-width="4"/><path d="M258 210 L342 210 L338 296 L262 296 Z" fill="#d2452b" opacity="0.85"/><rect x="238" y="86" width="124" height="22" rx="8" fill="#333"/>{base}<circle cx="300" cy="350" r="12" fill="#eee"/>"##,
                base = lit(r#"path d="M240 300 L360 300 L380 382 L220 382 Z""#, accent),
            ),
            Subject::Kettle => format!(
                r##"<path d="M352 190 C440 200 430 320 372 330" fill="none" stroke="#333" stroke-width="18" stroke-linecap="round"/><path d="M248 230 L190 180 L200 168 L262 210 Z" fill="{body}"/>{pot}<rect x="225" y="360" width="150" height="22" rx="8" fill="#2a2a2a"/><ellipse cx="300" cy="162" rx="40" ry="10" fill="#333"/>"##,
                pot = lit(r#"path d="M225 362 L245 180 Q300 150 355 180 L375 362 Z""#, body),
            ),
            Subject::Fan => format!(
                r##"<rect x="292" y="230" width="16" height="150" fill="#555"/><ellipse cx="300" cy="382" rx="80" ry="16" fill="#444"/><circle cx="300" cy="170" r="112" fill="#fff" fill-opacity="0.3" stroke="#666" stroke-width="6"/><g transform="rotate({turn} 300 170)" fill="{body}" opacity="0.9"><ellipse cx="300" cy="110" rx="32" ry="58"/><ellipse cx="300" cy="110" rx="32" ry="58" transform="rotate(120 300 170)"/><ellipse cx="300" cy="110" rx="32" ry="58" transform="rotate(240 300 170)"/></g><circle cx="300" cy="170" r="22" fill="{accent}"/><path d="M188 170 H412 M300 58 V282" stroke="#666" stroke-width="2" opacity="0.5"/>"##,
                turn = look.vary(120),
            ),
            Subject::Laptop => format!(
                r##"<defs><linearGradient id="screen" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="{accent}"/><stop offset="1" stop-color="#0c1730"/></linearGradient></defs>{lid}<rect x="162" y="82" width="276" height="186" fill="url(#screen)"/>{windows}{base}<path d="M150 300 L450 300" stroke="#000" stroke-opacity="0.25" stroke-width="14"/><rect x="265" y="318" width="70" height="8" rx="3" fill="#000" opacity="0.2"/>"##,
                lid = lit(r#"rect x="150" y="70" width="300" height="210" rx="10""#, "#1f2228"),
                windows = grid(190, 110, (3, 2), (80, 70), r#"#fff" fill-opacity="0.35"#),
                base = lit(r#"path d="M150 280 L450 280 L510 340 L90 340 Z""#, if body == accent { "#b9bdc4" } else { body }),
            ),
            Subject::Stick => format!(
                r##"<g transform="rotate({t} 300 240)"><rect x="392" y="214" width="76" height="52" rx="4" fill="#c8ccd2"/><rect x="412" y="228" width="12" height="10" fill="#555"/><rect x="438" y="228" width="12" height="10" fill="#555"/>{stick}<rect x="180" y="232" width="26" height="16" rx="8" fill="#111" opacity="0.4"/></g>"##,
                t = -15 + tilt,
                stick = lit(r#"rect x="160" y="200" width="240" height="80" rx="18""#, accent),
            ),
            Subject::Mouse => format!(
                r##"<path d="M300 140 C380 140 400 230 395 300 C390 370 210 370 205 300 C200 230 220 140 300 140 Z" fill="{body}"/><path d="M300 140 C380 140 400 230 395 300 C390 370 210 370 205 300 C200 230 220 140 300 140 Z" fill="url(#lit)"/><path d="M300 142 V230 M207 230 Q300 250 393 230" stroke="#000" stroke-opacity="0.3" stroke-width="3" fill="none"/><rect x="293" y="170" width="14" height="36" rx="7" fill="{accent}"/>"##
            ),
            Subject::Keyboard => format!(
                r##"{deck}{keys}<rect x="220" y="320" width="160" height="18" rx="4" fill="#ddd" opacity="0.8"/>"##,
                deck = lit(r#"path d="M110 190 L490 190 L530 360 L70 360 Z""#, "#2a2c31"),
                keys = grid(128, 208, (12, 4), (30, 28), r#"#ddd" fill-opacity="0.8"#),
            ),
            Subject::Fabric => format!(
                r##"<g transform="rotate({tilt} 300 260)">{bolts}</g><path d="M420 140 C470 160 470 260 440 380 L400 380 C420 280 420 200 400 150 Z" fill="url(#print)"/><path d="M420 140 C470 160 470 260 440 380 L400 380 C420 280 420 200 400 150 Z" fill="#000" opacity="0.12"/>"##,
                bolts = [(150, 290), (165, 222), (150, 154)]
                    .iter()
                    .map(|(x, y)| format!(
                        r##"<rect x="{x}" y="{y}" width="300" height="70" rx="10" fill="url(#print)"/><rect x="{x}" y="{y}" width="300" height="70" rx="10" fill="url(#lit)"/><rect x="{x}" y="{e}" width="300" height="12" rx="6" fill="#000" opacity="0.22"/>"##,
                        e = y + 58
                    ))
                    .collect::<String>(),
            ),
            Subject::Garment => {
                let robe = ["djellaba", "galabeya", "boubou", "kemis", "dress"].iter().any(|w| lower.contains(w));
                let outline = if robe {
                    "M255 82 Q300 110 345 82 L420 112 L450 210 L405 222 L392 172 L420 380 L180 380 L208 172 L195 222 L150 210 L180 112 Z"
                } else {
                    "M255 92 Q300 120 345 92 L430 122 L460 220 L410 236 L392 190 L400 352 L200 352 L208 190 L190 236 L140 220 L170 122 Z"
                };
                format!(
                    r##"<path d="M300 84 V60 C300 40 325 40 325 58" fill="none" stroke="#555" stroke-width="6"/><path d="M225 96 L300 70 L375 96" fill="none" stroke="#555" stroke-width="6"/><path d="{outline}" fill="url(#print)"/><path d="{outline}" fill="url(#lit)" stroke="#000" stroke-opacity="0.25" stroke-width="3"/><path d="M272 92 Q300 135 328 92" fill="none" stroke="{accent}" stroke-width="8"/>"##
                )
            }
            Subject::Sandals => {
                let sole = |x: i64, turn: i64| {
                    format!(
                        r##"<g transform="rotate({turn} {cx} 270)"><path d="M{x} 180 C{x} 140 {r} 140 {r} 180 L{r2} 350 C{r2} 385 {x2} 385 {x2} 350 Z" fill="#b98552"/><path d="M{x} 180 C{x} 140 {r} 140 {r} 180 L{r2} 350 C{r2} 385 {x2} 385 {x2} 350 Z" fill="url(#lit)"/><path d="M{a} 215 L{b} 215 M{a} 262 L{b} 262" stroke="{body}" stroke-width="22" stroke-linecap="round"/></g>"##,
                        cx = x + 45,
                        r = x + 90,
                        r2 = x + 84,
                        x2 = x + 6,
                        a = x - 4,
                        b = x + 94,
                    )
                };
                format!("{}{}", sole(165, -8 + tilt), sole(345, 10 + tilt))
            }
            Subject::Necklace => {
                let colours = [body, accent, third, "#f4f4f2"];
                (0..23)
                    .map(|i| {
                        let angle = std::f64::consts::PI * (0.05 + 0.9 * i as f64 / 22.0);
                        let (x, y) = (300.0 - 150.0 * angle.cos(), 130.0 + 190.0 * angle.sin());
                        format!(
                            r##"<circle cx="{x:.0}" cy="{y:.0}" r="15" fill="{}"/><circle cx="{:.0}" cy="{:.0}" r="5" fill="#fff" opacity="0.5"/>"##,
                            colours[i % 4],
                            x - 5.0,
                            y - 5.0
                        )
                    })
                    .collect()
            }
            Subject::Sack => format!(
                r##"<path d="M235 118 Q300 70 365 118" fill="none" stroke="#bba983" stroke-width="10"/>{bag}<path d="M200 150 L190 350 M300 140 V370 M400 150 L410 350" stroke="#000" stroke-opacity="0.06" stroke-width="14"/><rect x="196" y="212" width="208" height="98" rx="6" fill="{accent}"/><text x="300" y="262" font-family="sans-serif" font-size="{size}" font-weight="700" fill="#fff" text-anchor="middle">{label}</text><text x="300" y="293" font-family="sans-serif" font-size="18" fill="#fff" text-anchor="middle" opacity="0.9">{weight}</text>"##,
                bag = lit(r#"path d="M190 125 Q300 105 410 125 L432 362 Q300 388 168 362 Z""#, "#efe6d0"),
                size = label_size(&look.label),
                label = escape(&look.label),
                weight = escape(weight(lower)),
            ),
            Subject::Bottle => {
                let liquid = liquid(lower, body);
                format!(
                    r##"{glass}<rect x="262" y="92" width="76" height="34" rx="6" fill="{accent}"/><rect x="232" y="228" width="136" height="86" rx="6" fill="#fff" opacity="0.92"/><rect x="232" y="228" width="136" height="18" fill="{accent}"/><rect x="255" y="266" width="90" height="8" rx="4" fill="#999"/><rect x="270" y="284" width="60" height="8" rx="4" fill="#bbb"/>"##,
                    glass = lit(
                        r#"path d="M262 126 L262 146 Q220 166 220 210 L220 362 Q220 380 238 380 L362 380 Q380 380 380 362 L380 210 Q380 166 338 146 L338 126 Z""#,
                        liquid
                    ),
                )
            }
            Subject::Jerrycan => format!(
                r##"{can}<rect x="212" y="92" width="44" height="30" rx="5" fill="#2b2b2b"/><rect x="245" y="212" width="150" height="70" rx="6" fill="#fff" opacity="0.85"/><rect x="245" y="212" width="150" height="16" fill="{accent}"/>"##,
                can = lit(
                    r#"path fill-rule="evenodd" d="M190 130 Q190 110 210 110 L300 110 L330 90 L400 90 Q420 90 420 110 L420 370 Q420 385 405 385 L205 385 Q190 385 190 370 Z M300 130 L400 130 L400 162 L300 162 Z""#,
                    liquid(lower, body)
                ),
            ),
            Subject::Jar => format!(
                r##"{glass}{lid}<rect x="218" y="250" width="164" height="70" fill="#fff" opacity="0.9"/><rect x="218" y="250" width="164" height="14" fill="{accent}"/><rect x="250" y="284" width="100" height="9" rx="4" fill="#aaa"/>"##,
                glass = lit(r#"rect x="218" y="190" width="164" height="190" rx="24""#, contents(lower, body)),
                lid = lit(r#"rect x="206" y="152" width="188" height="50" rx="12""#, accent),
            ),
            Subject::Fish => format!(
                r##"<ellipse cx="300" cy="330" rx="230" ry="50" fill="#3f8a3a"/><path d="M80 330 H520" stroke="#2c6a28" stroke-width="4"/>{fish1}{fish2}"##,
                fish1 = fish(180, 220, 1.0),
                fish2 = fish(250, 290, 0.85),
            ),
            Subject::Bunch => {
                let ripe = if lower.contains("matoke") || look.vary(2) == 0 { "#7fae3a" } else { "#f0c419" };
                (0..5)
                    .map(|i| {
                        let y = 200 + i * 30;
                        format!(
                            r##"<path d="M170 {y} Q300 {q} 440 {e}" fill="none" stroke="{ripe}" stroke-width="40" stroke-linecap="round"/><path d="M170 {y} Q300 {q} 440 {e}" fill="none" stroke="#fff" stroke-opacity="0.18" stroke-width="12" stroke-linecap="round" transform="translate(0 -10)"/>"##,
                            q = y + 90,
                            e = y - 40 + i * 6
                        )
                    })
                    .chain(std::iter::once(r##"<path d="M150 180 L185 330" stroke="#5a4a2a" stroke-width="26" stroke-linecap="round"/>"##.to_owned()))
                    .collect()
            }
            Subject::Tubers => [(300, 300, -12), (260, 250, 8), (340, 230, -4)]
                .iter()
                .map(|(x, y, r)| {
                    format!(
                        r##"<g transform="rotate({r} {x} {y})"><ellipse cx="{x}" cy="{y}" rx="150" ry="42" fill="#7a5634"/><ellipse cx="{x}" cy="{y}" rx="150" ry="42" fill="url(#lit)"/><path d="M{a} {y} h30 M{b} {c} h24" stroke="#4b321c" stroke-width="4"/></g>"##,
                        a = x - 80,
                        b = x + 30,
                        c = y + 12
                    )
                })
                .collect(),
            Subject::Packet => format!(
                r##"{box_}<rect x="200" y="200" width="170" height="84" fill="#fff" opacity="0.92"/><text x="285" y="250" font-family="sans-serif" font-size="{size}" font-weight="700" fill="{accent}" text-anchor="middle">{label}</text>"##,
                box_ = iso_box(190, 120, 190, 250, 70, accent),
                size = label_size(&look.label).min(24),
                label = escape(&look.label),
            ),
            Subject::Soap => [(170, 270), (300, 250), (230, 190)]
                .iter()
                .map(|(x, y)| {
                    format!(
                        r##"{bar}<circle cx="{a}" cy="{b}" r="4" fill="#fff" opacity="0.25"/><circle cx="{c}" cy="{d}" r="3" fill="#fff" opacity="0.25"/>"##,
                        bar = lit(&format!(r#"rect x="{x}" y="{y}" width="150" height="90" rx="26""#), soap(lower, body)),
                        a = x + 40,
                        b = y + 30,
                        c = x + 100,
                        d = y + 55
                    )
                })
                .collect(),
            Subject::Braids => {
                let hair = if body.starts_with("#f") || body.starts_with("#e") { "#1a1410" } else { body };
                (0..9)
                    .map(|i| {
                        let x = 230 + i * 16;
                        format!(
                            r##"<path d="M{x} 90 C{a} 180 {b} 260 {x} 380" fill="none" stroke="{hair}" stroke-width="14" stroke-linecap="round"/>"##,
                            a = x - 30,
                            b = x + 30
                        )
                    })
                    .chain(std::iter::once(format!(r##"<rect x="214" y="150" width="172" height="40" rx="6" fill="{accent}"/>"##)))
                    .collect()
            }
            Subject::Basket => (
                r##"<path d="M200 200 C200 120 400 120 400 200" fill="none" stroke="#6b3e26" stroke-width="14"/><path d="M150 215 Q150 380 300 380 Q450 380 450 215 Z" fill="url(#print)"/><path d="M150 215 Q150 380 300 380 Q450 380 450 215 Z" fill="url(#lit)"/><ellipse cx="300" cy="215" rx="150" ry="28" fill="#8a6a3a"/><ellipse cx="300" cy="215" rx="130" ry="18" fill="#5a4020"/>"##
            )
            .to_owned(),
            Subject::Pot => format!(
                r##"<path d="M180 230 h-30 M420 230 h30" stroke="#333" stroke-width="16" stroke-linecap="round"/>{pot}{flowers}<ellipse cx="300" cy="196" rx="128" ry="24" fill="{body}"/><ellipse cx="300" cy="196" rx="128" ry="24" fill="#fff" opacity="0.25"/><rect x="284" y="160" width="32" height="24" rx="8" fill="#333"/>"##,
                pot = lit(r#"path d="M172 200 L428 200 L418 360 Q415 380 395 380 L205 380 Q185 380 182 360 Z""#, body),
                flowers = (0..3)
                    .map(|i| format!(r##"<circle cx="{}" cy="290" r="22" fill="{accent}" opacity="0.85"/><circle cx="{}" cy="290" r="8" fill="#fff"/>"##, 225 + i * 75, 225 + i * 75))
                    .collect::<String>(),
            ),
            Subject::Tagine => format!(
                r##"<ellipse cx="300" cy="352" rx="180" ry="34" fill="{accent}"/>{cone}<circle cx="300" cy="110" r="16" fill="{body}"/><path d="M210 300 Q300 280 390 300" stroke="#fff" stroke-opacity="0.5" stroke-width="6" fill="none"/>"##,
                cone = lit(r#"path d="M175 345 Q230 250 280 125 L320 125 Q370 250 425 345 Z""#, body),
            ),
            Subject::Teapot => format!(
                r##"<path d="M372 270 C430 260 430 170 470 150" fill="none" stroke="{metal}" stroke-width="18" stroke-linecap="round"/><path d="M228 220 C160 220 170 320 230 318" fill="none" stroke="{metal}" stroke-width="14"/>{pot}<path d="M255 180 Q300 110 345 180 Z" fill="{metal}"/><circle cx="300" cy="124" r="12" fill="{accent}"/><rect x="230" y="370" width="140" height="14" rx="4" fill="{metal}"/>"##,
                metal = if lower.contains("jebena") { "#2a211c" } else { "#c9ccd1" },
                pot = lit(
                    r#"path d="M240 180 L360 180 Q400 260 370 372 L230 372 Q200 260 240 180 Z""#,
                    if lower.contains("jebena") { "#2a211c" } else { "#c9ccd1" }
                ),
            ),
            Subject::Mortar => format!(
                r##"<rect x="330" y="60" width="36" height="240" rx="18" fill="#9b6a3a" transform="rotate(25 348 180)"/>{bowl}<ellipse cx="300" cy="190" rx="120" ry="24" fill="#5b3a1c"/><rect x="255" y="330" width="90" height="50" fill="#8b5a2b"/>"##,
                bowl = lit(r#"path d="M180 190 L420 190 Q410 320 330 335 L270 335 Q190 320 180 190 Z""#, "#9b6a3a"),
            ),
            Subject::Stove => format!(
                r##"{bucket}<rect x="200" y="250" width="200" height="28" fill="{accent}"/><ellipse cx="300" cy="182" rx="112" ry="20" fill="#222"/><circle cx="265" cy="180" r="12" fill="#ff7a1a"/><circle cx="300" cy="176" r="14" fill="#ffb020"/><circle cx="335" cy="182" r="11" fill="#ff5a1a"/><rect x="270" y="310" width="60" height="40" rx="6" fill="#111"/>"##,
                bucket = lit(r#"path d="M188 182 L412 182 L388 378 L212 378 Z""#, "#2f3136"),
            ),
            Subject::Cushion => format!(
                r##"<g transform="rotate({tilt} 300 250)"><path d="M150 110 Q300 90 450 110 Q470 250 450 390 Q300 410 150 390 Q130 250 150 110 Z" fill="url(#print)"/><path d="M150 110 Q300 90 450 110 Q470 250 450 390 Q300 410 150 390 Q130 250 150 110 Z" fill="url(#lit)" stroke="#000" stroke-opacity="0.2" stroke-width="4"/></g>"##
            ),
            Subject::Glasses => [(170, body), (265, accent), (360, third)]
                .iter()
                .map(|(x, colour)| {
                    format!(
                        r##"<path d="M{x} 220 L{r} 220 L{r2} 370 L{x2} 370 Z" fill="{colour}" opacity="0.85"/><path d="M{x2} 300 L{r2} 300 L{r2} 370 L{x2} 370 Z" fill="#8a4b12" opacity="0.5"/><rect x="{x}" y="214" width="80" height="12" fill="#d9a923"/><path d="M{a} 240 V350" stroke="#fff" stroke-opacity="0.4" stroke-width="6"/>"##,
                        r = x + 80,
                        r2 = x + 70,
                        x2 = x + 10,
                        a = x + 22
                    )
                })
                .collect(),
            Subject::Truck => format!(
                r##"{bed}{cab}<rect x="390" y="218" width="36" height="34" rx="4" fill="#cfe8f5"/><circle cx="220" cy="345" r="34" fill="#3a2a1a"/><circle cx="220" cy="345" r="12" fill="#c8955c"/><circle cx="390" cy="345" r="34" fill="#3a2a1a"/><circle cx="390" cy="345" r="12" fill="#c8955c"/>"##,
                bed = lit(r#"rect x="160" y="230" width="210" height="100" rx="8""#, "#c8955c"),
                cab = lit(r#"rect x="370" y="200" width="90" height="130" rx="10""#, body),
            ),
            Subject::Backpack => format!(
                r##"<path d="M255 112 C255 70 345 70 345 112" fill="none" stroke="#333" stroke-width="12"/>{bag}{pocket}<path d="M214 160 Q300 140 386 160" stroke="#222" stroke-width="4" fill="none"/>"##,
                bag = lit(r#"rect x="205" y="105" width="190" height="275" rx="60""#, body),
                pocket = lit(r#"rect x="232" y="262" width="136" height="96" rx="24""#, accent),
            ),
            Subject::Book => format!(
                r##"<rect x="208" y="98" width="210" height="284" rx="6" fill="#f4efe2"/>{cover}<rect x="190" y="90" width="20" height="290" fill="#000" opacity="0.2"/><circle cx="305" cy="200" r="42" fill="#f2c14e"/><path d="M305 158 V120 M305 242 V280 M263 200 H225 M347 200 H385 M275 170 L250 145 M335 230 L360 255 M275 230 L250 255 M335 170 L360 145" stroke="#1a1a1a" stroke-width="6"/><circle cx="305" cy="200" r="16" fill="#1a1a1a"/><rect x="230" y="300" width="150" height="14" rx="4" fill="#fff" opacity="0.8"/>"##,
                cover = lit(r#"rect x="190" y="90" width="220" height="290" rx="6""#, body),
            ),
            Subject::Parcel => format!(
                r##"{box_}<rect x="262" y="130" width="26" height="240" fill="#e8d3a8" opacity="0.8"/>"##,
                box_ = iso_box(170, 150, 220, 220, 70, "#c9a46c"),
            ),
        }
    }
}

/// A shape drawn in `fill` and again under the light.
fn lit(shape: &str, fill: &str) -> String {
    format!(r##"<{shape} fill="{fill}"/><{shape} fill="url(#lit)"/>"##)
}

/// A grid of small rounded squares: app icons, keys.
fn grid(x: i64, y: i64, (columns, rows): (i64, i64), (step_x, step_y): (i64, i64), fill: &str) -> String {
    let size = (step_x.min(step_y) * 7) / 10;
    (0..rows)
        .flat_map(|row| (0..columns).map(move |column| (column, row)))
        .map(|(column, row)| {
            format!(
                r##"<rect x="{}" y="{}" width="{size}" height="{size}" rx="{}" fill="{fill}"/>"##,
                x + column * step_x,
                y + row * step_y,
                size / 4
            )
        })
        .collect()
}

/// A box seen from above-right: front, lit top, shaded side.
fn iso_box(x: i64, y: i64, width: i64, height: i64, depth: i64, fill: &str) -> String {
    let (dx, dy) = (depth, depth * 6 / 10);
    format!(
        r##"<rect x="{x}" y="{y}" width="{width}" height="{height}" fill="{fill}"/><rect x="{x}" y="{y}" width="{width}" height="{height}" fill="url(#lit)"/><path d="M{x} {y} L{a} {b} L{c} {b} L{r} {y} Z" fill="{fill}"/><path d="M{x} {y} L{a} {b} L{c} {b} L{r} {y} Z" fill="#fff" opacity="0.3"/><path d="M{r} {y} L{c} {b} L{c} {d} L{r} {bottom} Z" fill="{fill}"/><path d="M{r} {y} L{c} {b} L{c} {d} L{r} {bottom} Z" fill="#000" opacity="0.25"/>"##,
        a = x + dx,
        b = y - dy,
        c = x + width + dx,
        r = x + width,
        d = y + height - dy,
        bottom = y + height,
    )
}

/// Electronics in a case: a box with lights, an antenna or a solar panel as the name says.
fn device(look: &Look, lower: &str) -> String {
    let case = if look.body == look.accent && !lower.contains("power bank") { "#2b2e34" } else { look.body };
    let mut out = String::new();
    if lower.contains("solar") {
        out.push_str(r##"<path d="M330 120 L520 100 L560 300 L370 320 Z" fill="#1d3f6e"/><path d="M378 115 L418 313 M426 110 L466 308 M474 105 L514 303 M340 170 L530 150 M350 220 L540 200 M360 270 L550 250" stroke="#8fb4e0" stroke-width="3"/>"##);
    }
    if lower.contains("router") || lower.contains("mifi") {
        out.push_str(r##"<path d="M210 240 L180 110 M390 240 L420 110" stroke="#222" stroke-width="12" stroke-linecap="round"/>"##);
    }
    let (x, y, w, h) = if lower.contains("power bank") || lower.contains("mifi") {
        (220, 150, 140, 220)
    } else if lower.contains("drive") {
        (200, 170, 170, 200)
    } else {
        (150, 210, 260, 160)
    };
    out.push_str(&iso_box(x, y, w, h, 60, case));
    for i in 0..4 {
        out.push_str(&format!(
            r##"<circle cx="{}" cy="{}" r="6" fill="{}"/>"##,
            x + 28 + i * 22,
            y + h - 26,
            if i < 3 { "#4cff7a" } else { "#444" }
        ));
    }
    out.push_str(&format!(
        r##"<rect x="{}" y="{}" width="{}" height="10" rx="5" fill="{}"/>"##,
        x + 24,
        y + 28,
        w - 48,
        look.accent
    ));
    out
}

/// A tilapia at `(x, y)`, scaled.
fn fish(x: i64, y: i64, scale: f64) -> String {
    format!(
        r##"<g transform="translate({x} {y}) scale({scale})"><path d="M260 0 L330 -50 L320 0 L330 50 Z" fill="#6f7f88"/><ellipse cx="130" cy="0" rx="140" ry="56" fill="#8d9ca6"/><ellipse cx="130" cy="0" rx="140" ry="56" fill="url(#lit)"/><path d="M40 -40 Q130 -70 230 -35" stroke="#5d6b73" stroke-width="8" fill="none"/><path d="M60 -30 V30 M110 -45 V45 M160 -45 V45 M210 -35 V35" stroke="#5d6b73" stroke-opacity="0.35" stroke-width="6"/><circle cx="35" cy="-10" r="9" fill="#fff"/><circle cx="35" cy="-10" r="5" fill="#111"/></g>"##
    )
}

/// The colour of what a bottle holds.
fn liquid(lower: &str, body: &'static str) -> &'static str {
    if lower.contains("palm") {
        "#b83a0b"
    } else if lower.contains("vegetable") {
        "#e9c04a"
    } else if ["argan", "marula", "seed", "serum"].iter().any(|w| lower.contains(w)) {
        "#a0522d"
    } else if lower.contains("lotion") {
        "#f6f1e7"
    } else if lower.contains("feeding") {
        "#e6f2fa"
    } else {
        body
    }
}

/// The colour of what a jar holds.
fn contents(lower: &str, body: &'static str) -> &'static str {
    const CONTENTS: &[(&str, &str)] = &[
        ("shea", "#f1dfae"),
        ("chebe", "#8a6b45"),
        ("henna", "#5b7a2a"),
        ("ghassoul", "#8e6f5e"),
        ("harissa", "#b32814"),
        ("spice", "#a33b20"),
        ("egusi", "#efe4c8"),
        ("crayfish", "#c76b3a"),
        ("shito", "#2d1a12"),
        ("ful", "#7a5230"),
    ];
    CONTENTS.iter().find(|(word, _)| lower.contains(word)).map_or(body, |(_, colour)| colour)
}

fn soap(lower: &str, body: &'static str) -> &'static str {
    if lower.contains("black soap") { "#3b2a20" } else { body }
}

/// The size a sack or packet says on it ("50 kg bag" → "50 kg").
fn weight(lower: &str) -> &str {
    lower
        .split(", ")
        .find(|part| part.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .map_or("", |part| part.trim_end_matches(" bag"))
}

/// A font size that fits the label across a sack.
fn label_size(label: &str) -> usize {
    (300 / label.chars().count().max(1)).clamp(16, 34)
}
