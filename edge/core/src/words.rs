//! The words of the catalog pages in each language the shop speaks (the market table's
//! defaults: English, French, Arabic, Portuguese and Swahili). Products, vendors and
//! categories are shown as their vendors wrote them; only the shop's own words change.
//!
//! `{}` in a phrase is where [`fill`] puts its value (a price, a number, a search).

use linkedall_shared::Language;

/// Every phrase a catalog page, its header and footer, or an error page says.
#[derive(Debug)]
pub struct Words {
    pub cart: &'static str,
    pub orders: &'static str,
    pub sign_in: &'static str,
    pub your_account: &'static str,
    pub prices_in: &'static str,
    pub search_placeholder: &'static str,
    pub search_label: &'static str,
    pub search_button: &'static str,
    pub language: &'static str,
    pub lite_notice: &'static str,
    pub footer: &'static str,
    pub converted_title: &'static str,
    pub converted_note: &'static str,
    pub home_title: &'static str,
    pub shop_by_category: &'static str,
    pub featured_today: &'static str,
    pub more_products: &'static str,
    pub category_empty: &'static str,
    pub vendor_empty: &'static str,
    pub search_heading: &'static str,
    pub search_intro: &'static str,
    pub results_for: &'static str,
    pub nothing_matches: &'static str,
    pub quantity: &'static str,
    pub add_to_cart: &'static str,
    pub sold_by: &'static str,
    pub ships_from: &'static str,
    pub in_stock: &'static str,
    pub only_left: &'static str,
    pub out_of_stock: &'static str,
    pub back_home: &'static str,
    pub error: &'static str,
    pub not_found_title: &'static str,
    pub not_found_heading: &'static str,
    pub not_found_hint: &'static str,
    pub bad_request_title: &'static str,
    pub bad_request_heading: &'static str,
    pub bad_request_hint: &'static str,
    pub unavailable_title: &'static str,
    pub unavailable_heading: &'static str,
    pub unavailable_message: &'static str,
    pub unavailable_hint: &'static str,
    pub read_only_title: &'static str,
    pub read_only_body: &'static str,
    pub moment_ago: &'static str,
    pub minute_ago: &'static str,
    pub minutes_ago: &'static str,
    pub hour_ago: &'static str,
    pub hours_ago: &'static str,
    pub days_ago: &'static str,
}

impl Words {
    pub fn of(language: Language) -> &'static Words {
        match language {
            Language::En => &ENGLISH,
            Language::Fr => &FRENCH,
            Language::Ar => &ARABIC,
            Language::Pt => &PORTUGUESE,
            Language::Sw => &SWAHILI,
        }
    }

    /// What a shopper reads about `units` in stock (the same three states as
    /// [`linkedall_shared::Stock::label`], so a sale changes a page only when that does).
    pub fn stock(&self, stock: linkedall_shared::Stock) -> String {
        if !stock.is_available() {
            self.out_of_stock.to_owned()
        } else if stock.is_low() {
            fill(self.only_left, stock.0)
        } else {
            self.in_stock.to_owned()
        }
    }

    /// How long ago something was, `secs` seconds back.
    pub fn ago(&self, secs: u64) -> String {
        match secs {
            0..60 => self.moment_ago.to_owned(),
            60..120 => self.minute_ago.to_owned(),
            120..3600 => fill(self.minutes_ago, secs / 60),
            3600..7200 => self.hour_ago.to_owned(),
            7200..172_800 => fill(self.hours_ago, secs / 3600),
            _ => fill(self.days_ago, secs / 86_400),
        }
    }
}

/// `phrase` with its `{}` replaced by `value`.
pub fn fill(phrase: &str, value: impl std::fmt::Display) -> String {
    phrase.replacen("{}", &value.to_string(), 1)
}

pub static ENGLISH: Words = Words {
    cart: "Cart",
    orders: "Orders",
    sign_in: "Sign in",
    your_account: "Your account",
    prices_in: "Prices in {}",
    search_placeholder: "Search phones, ankara, shea butter…",
    search_label: "Search products",
    search_button: "Search",
    language: "Language",
    lite_notice: "Lite page: small pictures to save your data.",
    footer: "Linked All — Africa's marketplace. Prices include VAT where applicable.",
    converted_title: "Converted at today's rate; you pay {}",
    converted_note: "converted at today's rate; you pay {}",
    home_title: "Linked All — shop Africa's marketplace",
    shop_by_category: "Shop by category",
    featured_today: "Featured today",
    more_products: "More products",
    category_empty: "Nothing here yet — vendors are stocking up.",
    vendor_empty: "This shop has no products on sale right now.",
    search_heading: "Search",
    search_intro: "Type what you are looking for: a phone, ankara, shea butter…",
    results_for: "Results for “{}”",
    nothing_matches: "Nothing matches “{}”. Try fewer or simpler words.",
    quantity: "Quantity",
    add_to_cart: "Add to cart",
    sold_by: "Sold by",
    ships_from: ", ships from {}.",
    in_stock: "In stock",
    only_left: "Only {} left",
    out_of_stock: "Out of stock",
    back_home: "Back to the home page",
    error: "Error",
    not_found_title: "Not found",
    not_found_heading: "We could not find that page",
    not_found_hint: "Check the address, or search the shop.",
    bad_request_title: "Please check your request",
    bad_request_heading: "We could not understand that request",
    bad_request_hint: "Check the address or your search words, then try again.",
    unavailable_title: "Briefly unavailable",
    unavailable_heading: "We cannot reach the shop right now",
    unavailable_message: "The marketplace is briefly unavailable. Nothing you did caused this.",
    unavailable_hint: "Please try again in a few seconds.",
    read_only_title: "The shop is briefly read-only.",
    read_only_body: "You are seeing this page as it was {}; prices and stock may have changed. Cart and checkout will be back shortly.",
    moment_ago: "a moment ago",
    minute_ago: "a minute ago",
    minutes_ago: "{} minutes ago",
    hour_ago: "an hour ago",
    hours_ago: "{} hours ago",
    days_ago: "{} days ago",
};

pub static FRENCH: Words = Words {
    cart: "Panier",
    orders: "Commandes",
    sign_in: "Se connecter",
    your_account: "Votre compte",
    prices_in: "Prix en {}",
    search_placeholder: "Rechercher téléphones, wax, beurre de karité…",
    search_label: "Rechercher des produits",
    search_button: "Rechercher",
    language: "Langue",
    lite_notice: "Page allégée : petites images pour économiser vos données.",
    footer: "Linked All — la place de marché de l'Afrique. Prix TTC le cas échéant.",
    converted_title: "Converti au taux du jour ; vous payez {}",
    converted_note: "converti au taux du jour ; vous payez {}",
    home_title: "Linked All — achetez sur la place de marché de l'Afrique",
    shop_by_category: "Acheter par catégorie",
    featured_today: "À la une aujourd'hui",
    more_products: "Plus de produits",
    category_empty: "Rien ici pour l'instant — les vendeurs se réapprovisionnent.",
    vendor_empty: "Cette boutique n'a aucun produit en vente pour le moment.",
    search_heading: "Recherche",
    search_intro: "Tapez ce que vous cherchez : un téléphone, du wax, du beurre de karité…",
    results_for: "Résultats pour « {} »",
    nothing_matches: "Aucun résultat pour « {} ». Essayez des mots moins nombreux ou plus simples.",
    quantity: "Quantité",
    add_to_cart: "Ajouter au panier",
    sold_by: "Vendu par",
    ships_from: ", expédié depuis {}.",
    in_stock: "En stock",
    only_left: "Plus que {} en stock",
    out_of_stock: "Rupture de stock",
    back_home: "Retour à l'accueil",
    error: "Erreur",
    not_found_title: "Page introuvable",
    not_found_heading: "Nous n'avons pas trouvé cette page",
    not_found_hint: "Vérifiez l'adresse ou faites une recherche dans la boutique.",
    bad_request_title: "Vérifiez votre demande",
    bad_request_heading: "Nous n'avons pas compris cette demande",
    bad_request_hint: "Vérifiez l'adresse ou vos mots de recherche, puis réessayez.",
    unavailable_title: "Momentanément indisponible",
    unavailable_heading: "Nous ne parvenons pas à joindre la boutique",
    unavailable_message: "La place de marché est momentanément indisponible. Vous n'y êtes pour rien.",
    unavailable_hint: "Veuillez réessayer dans quelques secondes.",
    read_only_title: "La boutique est momentanément en lecture seule.",
    read_only_body: "Vous voyez cette page telle qu'elle était {} ; les prix et le stock ont pu changer. Le panier et le paiement reviennent bientôt.",
    moment_ago: "il y a un instant",
    minute_ago: "il y a une minute",
    minutes_ago: "il y a {} minutes",
    hour_ago: "il y a une heure",
    hours_ago: "il y a {} heures",
    days_ago: "il y a {} jours",
};

pub static ARABIC: Words = Words {
    cart: "السلة",
    orders: "الطلبات",
    sign_in: "تسجيل الدخول",
    your_account: "حسابك",
    prices_in: "الأسعار بعملة {}",
    search_placeholder: "ابحث عن هواتف، أقمشة أنقرة، زبدة الشيا…",
    search_label: "ابحث عن المنتجات",
    search_button: "بحث",
    language: "اللغة",
    lite_notice: "صفحة خفيفة: صور صغيرة لتوفير بياناتك.",
    footer: "Linked All — سوق أفريقيا. تشمل الأسعار ضريبة القيمة المضافة حيثما تنطبق.",
    converted_title: "محوّل بسعر اليوم؛ تدفع {}",
    converted_note: "محوّل بسعر اليوم؛ تدفع {}",
    home_title: "Linked All — تسوّق في سوق أفريقيا",
    shop_by_category: "تسوّق حسب الفئة",
    featured_today: "مختارات اليوم",
    more_products: "المزيد من المنتجات",
    category_empty: "لا شيء هنا بعد — البائعون يجهّزون بضائعهم.",
    vendor_empty: "لا توجد منتجات معروضة للبيع في هذا المتجر حاليًا.",
    search_heading: "بحث",
    search_intro: "اكتب ما تبحث عنه: هاتف، قماش أنقرة، زبدة الشيا…",
    results_for: "نتائج البحث عن «{}»",
    nothing_matches: "لا توجد نتائج مطابقة لـ «{}». جرّب كلمات أقل أو أبسط.",
    quantity: "الكمية",
    add_to_cart: "أضف إلى السلة",
    sold_by: "يبيعه",
    ships_from: "، ويُشحن من {}.",
    in_stock: "متوفر",
    only_left: "بقي {} فقط",
    out_of_stock: "نفد من المخزون",
    back_home: "العودة إلى الصفحة الرئيسية",
    error: "خطأ",
    not_found_title: "الصفحة غير موجودة",
    not_found_heading: "لم نعثر على هذه الصفحة",
    not_found_hint: "تحقق من العنوان، أو ابحث في المتجر.",
    bad_request_title: "يرجى التحقق من طلبك",
    bad_request_heading: "لم نفهم هذا الطلب",
    bad_request_hint: "تحقق من العنوان أو كلمات البحث، ثم حاول مرة أخرى.",
    unavailable_title: "غير متاح مؤقتًا",
    unavailable_heading: "لا يمكننا الوصول إلى المتجر الآن",
    unavailable_message: "السوق غير متاح مؤقتًا. لم يحدث هذا بسبب أي شيء قمت به.",
    unavailable_hint: "يرجى المحاولة مرة أخرى بعد بضع ثوانٍ.",
    read_only_title: "المتجر متاح للقراءة فقط مؤقتًا.",
    read_only_body: "أنت ترى هذه الصفحة كما كانت {}؛ ربما تغيّرت الأسعار والمخزون. ستعود السلة والدفع قريبًا.",
    moment_ago: "منذ لحظات",
    minute_ago: "منذ دقيقة",
    minutes_ago: "منذ {} دقيقة",
    hour_ago: "منذ ساعة",
    hours_ago: "منذ {} ساعة",
    days_ago: "منذ {} يوم",
};

pub static PORTUGUESE: Words = Words {
    cart: "Carrinho",
    orders: "Pedidos",
    sign_in: "Entrar",
    your_account: "A sua conta",
    prices_in: "Preços em {}",
    search_placeholder: "Pesquisar telemóveis, capulanas, manteiga de karité…",
    search_label: "Pesquisar produtos",
    search_button: "Pesquisar",
    language: "Idioma",
    lite_notice: "Página leve: imagens pequenas para poupar os seus dados.",
    footer: "Linked All — o mercado de África. Os preços incluem IVA quando aplicável.",
    converted_title: "Convertido à taxa de hoje; paga {}",
    converted_note: "convertido à taxa de hoje; paga {}",
    home_title: "Linked All — compre no mercado de África",
    shop_by_category: "Comprar por categoria",
    featured_today: "Em destaque hoje",
    more_products: "Mais produtos",
    category_empty: "Ainda não há nada aqui — os vendedores estão a repor o stock.",
    vendor_empty: "Esta loja não tem produtos à venda neste momento.",
    search_heading: "Pesquisa",
    search_intro: "Escreva o que procura: um telemóvel, uma capulana, manteiga de karité…",
    results_for: "Resultados para “{}”",
    nothing_matches: "Nada corresponde a “{}”. Tente menos palavras ou palavras mais simples.",
    quantity: "Quantidade",
    add_to_cart: "Adicionar ao carrinho",
    sold_by: "Vendido por",
    ships_from: ", enviado de {}.",
    in_stock: "Em stock",
    only_left: "Só restam {}",
    out_of_stock: "Esgotado",
    back_home: "Voltar à página inicial",
    error: "Erro",
    not_found_title: "Página não encontrada",
    not_found_heading: "Não encontrámos essa página",
    not_found_hint: "Verifique o endereço ou pesquise na loja.",
    bad_request_title: "Verifique o seu pedido",
    bad_request_heading: "Não compreendemos esse pedido",
    bad_request_hint: "Verifique o endereço ou as palavras de pesquisa e tente novamente.",
    unavailable_title: "Indisponível por momentos",
    unavailable_heading: "Não conseguimos contactar a loja agora",
    unavailable_message: "O mercado está indisponível por momentos. Não foi nada que tenha feito.",
    unavailable_hint: "Tente novamente dentro de alguns segundos.",
    read_only_title: "A loja está, por momentos, só de leitura.",
    read_only_body: "Está a ver esta página tal como estava {}; os preços e o stock podem ter mudado. O carrinho e o pagamento voltam em breve.",
    moment_ago: "há um momento",
    minute_ago: "há um minuto",
    minutes_ago: "há {} minutos",
    hour_ago: "há uma hora",
    hours_ago: "há {} horas",
    days_ago: "há {} dias",
};

pub static SWAHILI: Words = Words {
    cart: "Kikapu",
    orders: "Oda",
    sign_in: "Ingia",
    your_account: "Akaunti yako",
    prices_in: "Bei kwa {}",
    search_placeholder: "Tafuta simu, vitenge, siagi ya shea…",
    search_label: "Tafuta bidhaa",
    search_button: "Tafuta",
    language: "Lugha",
    lite_notice: "Ukurasa mwepesi: picha ndogo ili kuokoa data yako.",
    footer: "Linked All — soko la Afrika. Bei zinajumuisha VAT inapohitajika.",
    converted_title: "Imebadilishwa kwa kiwango cha leo; utalipa {}",
    converted_note: "imebadilishwa kwa kiwango cha leo; utalipa {}",
    home_title: "Linked All — nunua katika soko la Afrika",
    shop_by_category: "Nunua kwa aina",
    featured_today: "Bidhaa maalum leo",
    more_products: "Bidhaa zaidi",
    category_empty: "Hakuna kitu hapa bado — wauzaji wanaongeza bidhaa.",
    vendor_empty: "Duka hili halina bidhaa zinazouzwa kwa sasa.",
    search_heading: "Tafuta",
    search_intro: "Andika unachotafuta: simu, kitenge, siagi ya shea…",
    results_for: "Matokeo ya “{}”",
    nothing_matches: "Hakuna kinacholingana na “{}”. Jaribu maneno machache au rahisi zaidi.",
    quantity: "Idadi",
    add_to_cart: "Weka kwenye kikapu",
    sold_by: "Inauzwa na",
    ships_from: ", inasafirishwa kutoka {}.",
    in_stock: "Zipo",
    only_left: "Zimebaki {} tu",
    out_of_stock: "Zimeisha",
    back_home: "Rudi kwenye ukurasa wa mwanzo",
    error: "Hitilafu",
    not_found_title: "Haukupatikana",
    not_found_heading: "Hatukuweza kupata ukurasa huo",
    not_found_hint: "Angalia anwani, au tafuta dukani.",
    bad_request_title: "Tafadhali angalia ombi lako",
    bad_request_heading: "Hatukuelewa ombi hilo",
    bad_request_hint: "Angalia anwani au maneno ya utafutaji, kisha ujaribu tena.",
    unavailable_title: "Haipatikani kwa muda",
    unavailable_heading: "Hatuwezi kufikia duka kwa sasa",
    unavailable_message: "Soko halipatikani kwa muda mfupi. Si kosa lako.",
    unavailable_hint: "Tafadhali jaribu tena baada ya sekunde chache.",
    read_only_title: "Kwa muda, duka linaweza kutazamwa tu.",
    read_only_body: "Unaona ukurasa huu kama ulivyokuwa {}; bei na idadi iliyopo huenda zimebadilika. Kikapu na malipo vitarudi hivi karibuni.",
    moment_ago: "muda mfupi uliopita",
    minute_ago: "dakika moja iliyopita",
    minutes_ago: "dakika {} zilizopita",
    hour_ago: "saa moja iliyopita",
    hours_ago: "saa {} zilizopita",
    days_ago: "siku {} zilizopita",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_fills_its_phrases_and_says_the_three_stock_states() {
        for language in Language::ALL {
            let words = Words::of(language);
            for phrase in [
                words.prices_in,
                words.converted_title,
                words.converted_note,
                words.results_for,
                words.nothing_matches,
                words.ships_from,
                words.only_left,
                words.read_only_body,
                words.minutes_ago,
                words.hours_ago,
                words.days_ago,
            ] {
                assert_eq!(phrase.matches("{}").count(), 1, "{language:?}: {phrase}");
            }
            let states = [
                words.stock(linkedall_shared::Stock(0)),
                words.stock(linkedall_shared::Stock(3)),
                words.stock(linkedall_shared::Stock(50)),
            ];
            assert!(states[1].contains('3'), "{language:?}");
            assert!(
                states[0] != states[1] && states[1] != states[2] && states[0] != states[2],
                "{language:?}"
            );
            assert!(words.ago(7_500).contains('2'), "{language:?}: two hours");
        }
        assert_eq!(Words::of(Language::Fr).stock(linkedall_shared::Stock(2)), "Plus que 2 en stock");
    }
}
