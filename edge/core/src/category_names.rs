//! The shop's categories in each language. Categories are the shop's own (vendors choose
//! one, they do not write them), so their names are translated like the shop's words; a
//! category the table does not know is shown as the origin names it.

use linkedall_shared::{Category, Language};

/// (slug, French, Arabic, Portuguese, Swahili) names.
const NAMES: &[(&str, [&str; 4])] = &[
    (
        "phones-tablets",
        ["Téléphones et tablettes", "الهواتف والأجهزة اللوحية", "Telemóveis e tablets", "Simu na tableti"],
    ),
    ("fashion", ["Mode", "الأزياء", "Moda", "Mitindo"]),
    ("groceries", ["Épicerie", "البقالة", "Mercearia", "Vyakula"]),
    ("beauty", ["Beauté", "الجمال", "Beleza", "Urembo"]),
    ("home-kitchen", ["Maison et cuisine", "المنزل والمطبخ", "Casa e cozinha", "Nyumbani na jikoni"]),
    ("electronics", ["Électronique", "الإلكترونيات", "Eletrónica", "Vifaa vya elektroniki"]),
    ("computing", ["Informatique", "الحوسبة", "Informática", "Kompyuta"]),
    ("baby-kids", ["Bébé et enfants", "الرضّع والأطفال", "Bebé e criança", "Watoto wachanga na watoto"]),
];

/// (slug, French, Arabic, Portuguese, Swahili) descriptions.
const DESCRIPTIONS: &[(&str, [&str; 4])] = &[
    (
        "phones-tablets",
        [
            "Smartphones, téléphones classiques, tablettes et les accessoires qui vont avec.",
            "هواتف ذكية وهواتف عادية وأجهزة لوحية وملحقاتها.",
            "Smartphones, telemóveis simples, tablets e os acessórios que os acompanham.",
            "Simu janja, simu za kawaida, tableti na vifaa vyake.",
        ],
    ),
    (
        "fashion",
        [
            "Wax, kente, kitenge et tenues de tous les jours de tailleurs et marques locales.",
            "أنقرة وكنتي وكيتينغي وملابس يومية من خياطين وعلامات محلية.",
            "Capulanas, kente, kitenge e roupa do dia a dia de alfaiates e marcas locais.",
            "Ankara, kente, kitenge na mavazi ya kila siku kutoka kwa washonaji na chapa za nyumbani.",
        ],
    ),
    (
        "groceries",
        [
            "Produits de base, épices et en-cas des marchés de tout le continent.",
            "مواد أساسية وتوابل ووجبات خفيفة من أسواق القارة كلها.",
            "Bens essenciais, especiarias e petiscos de mercados de todo o continente.",
            "Vyakula vikuu, viungo na vitafunio kutoka masoko ya bara zima.",
        ],
    ),
    (
        "beauty",
        [
            "Karité, savon noir, argan et marula : soins de la peau et des cheveux fabriqués en Afrique.",
            "الشيا والصابون الأسود والأرغان والمارولا: عناية بالبشرة والشعر مصنوعة في أفريقيا.",
            "Karité, sabão preto, argão e marula: cuidados de pele e cabelo feitos em África.",
            "Shea, sabuni nyeusi, argan na marula: huduma ya ngozi na nywele iliyotengenezwa Afrika.",
        ],
    ),
    (
        "home-kitchen",
        [
            "Paniers, ustensiles, textiles et éclairage solaire pour la maison.",
            "سلال وأدوات طهي ومنسوجات وإضاءة شمسية للمنزل.",
            "Cestos, utensílios de cozinha, têxteis e iluminação solar para a casa.",
            "Vikapu, vyombo vya jikoni, nguo na taa za jua kwa nyumba.",
        ],
    ),
    (
        "electronics",
        [
            "Téléviseurs, enceintes, kits solaires et appareils ménagers.",
            "تلفزيونات ومكبرات صوت وأطقم طاقة شمسية وأجهزة منزلية.",
            "Televisores, colunas, kits solares e eletrodomésticos.",
            "Televisheni, spika, vifaa vya sola na vifaa vya nyumbani.",
        ],
    ),
    (
        "computing",
        [
            "Ordinateurs portables et de bureau, stockage et réseau.",
            "حواسيب محمولة ومكتبية وتخزين وشبكات.",
            "Portáteis, computadores de secretária, armazenamento e redes.",
            "Kompyuta mpakato, za mezani, hifadhi na mitandao.",
        ],
    ),
    (
        "baby-kids",
        [
            "Vêtements, jouets et essentiels pour les petits.",
            "ملابس وألعاب ومستلزمات للصغار.",
            "Roupa, brinquedos e artigos essenciais para os mais pequenos.",
            "Nguo, vinyago na mahitaji ya watoto wadogo.",
        ],
    ),
];

fn lookup(table: &[(&str, [&'static str; 4])], slug: &str, language: Language) -> Option<&'static str> {
    let column = match language {
        Language::En => return None,
        Language::Fr => 0,
        Language::Ar => 1,
        Language::Pt => 2,
        Language::Sw => 3,
    };
    table.iter().find(|(s, _)| *s == slug).map(|(_, names)| names[column])
}

/// `category` with its name and description in `language`.
pub fn translated(category: &Category, language: Language) -> Category {
    let mut category = category.clone();
    if let Some(name) = lookup(NAMES, &category.slug, language) {
        category.name = name.to_owned();
    }
    if let Some(description) = lookup(DESCRIPTIONS, &category.slug, language) {
        category.description = description.to_owned();
    }
    category
}

#[cfg(test)]
mod tests {
    use super::*;
    use linkedall_shared::CategoryId;

    fn category(slug: &str, name: &str) -> Category {
        Category { id: CategoryId::new(1), slug: slug.into(), name: name.into(), description: "Wax".into() }
    }

    #[test]
    fn every_category_has_every_language_and_unknown_ones_keep_their_name() {
        assert_eq!(NAMES.len(), DESCRIPTIONS.len());
        for (slug, _) in NAMES {
            assert!(DESCRIPTIONS.iter().any(|(s, _)| s == slug), "{slug}");
        }
        assert_eq!(translated(&category("fashion", "Fashion"), Language::Fr).name, "Mode");
        assert_eq!(translated(&category("fashion", "Fashion"), Language::Sw).name, "Mitindo");
        assert_eq!(translated(&category("fashion", "Fashion"), Language::En).name, "Fashion");
        let new = translated(&category("solar", "Solar"), Language::Ar);
        assert_eq!((new.name.as_str(), new.description.as_str()), ("Solar", "Wax"));
    }
}
