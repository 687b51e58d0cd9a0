//! The words of the sort and filter form, the result count and the pager of search and
//! category pages, in each language the shop speaks. `{}` is where [`crate::words::fill`] puts
//! its value.

use linkedall_shared::{BrowseError, Language, Sort};

/// Every phrase the sort and filter form, the count and the pager say.
#[derive(Debug)]
pub struct BrowseWords {
    pub refine: &'static str,
    pub sort_by: &'static str,
    pub relevance: &'static str,
    pub price_low_high: &'static str,
    pub price_high_low: &'static str,
    pub newest: &'static str,
    pub category: &'static str,
    pub any_category: &'static str,
    /// "Price from ({})": the shopper's currency code.
    pub price_from: &'static str,
    pub price_to: &'static str,
    pub in_stock_only: &'static str,
    pub seller_city: &'static str,
    /// The page is shared by every country of a currency, so it does not name the country.
    pub ships_to: &'static str,
    pub apply: &'static str,
    pub clear: &'static str,
    pub one_result: &'static str,
    /// "{} results".
    pub results: &'static str,
    /// "More than {} results".
    pub more_than: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    /// "Page {}".
    pub page: &'static str,
    pub bad_price: &'static str,
    pub price_order: &'static str,
    pub bad_page: &'static str,
    pub bad_filter: &'static str,
}

impl BrowseWords {
    pub fn of(language: Language) -> &'static BrowseWords {
        language.pick([&ENGLISH, &FRENCH, &ARABIC, &PORTUGUESE, &SWAHILI])
    }

    pub fn sort(&self, sort: Sort) -> &'static str {
        match sort {
            Sort::Relevance => self.relevance,
            Sort::PriceLowHigh => self.price_low_high,
            Sort::PriceHighLow => self.price_high_low,
            Sort::Newest => self.newest,
        }
    }

    /// What a shopper reads when a filter in the address cannot be used.
    pub fn problem(&self, error: &BrowseError) -> &'static str {
        match error {
            BrowseError::Price { .. } => self.bad_price,
            BrowseError::PriceOrder => self.price_order,
            BrowseError::Page => self.bad_page,
            BrowseError::Sort
            | BrowseError::RelevanceWithoutWords
            | BrowseError::Currency
            | BrowseError::City
            | BrowseError::ShipsTo
            | BrowseError::Category => self.bad_filter,
        }
    }
}

pub static ENGLISH: BrowseWords = BrowseWords {
    refine: "Sort and filter",
    sort_by: "Sort by",
    relevance: "Best match",
    price_low_high: "Price: low to high",
    price_high_low: "Price: high to low",
    newest: "Newest",
    category: "Category",
    any_category: "All categories",
    price_from: "Price from ({})",
    price_to: "Price up to ({})",
    in_stock_only: "In stock only",
    seller_city: "Seller's city",
    ships_to: "Delivers to my country",
    apply: "Show results",
    clear: "Clear filters",
    one_result: "1 result",
    results: "{} results",
    more_than: "More than {} results",
    previous: "Previous page",
    next: "Next page",
    page: "Page {}",
    bad_price: "A price must be a whole number, like 5000.",
    price_order: "The lowest price is above the highest price.",
    bad_page: "That page of results does not exist.",
    bad_filter: "One of the filters in this address cannot be used. Clear the filters and try again.",
};

pub static FRENCH: BrowseWords = BrowseWords {
    refine: "Trier et filtrer",
    sort_by: "Trier par",
    relevance: "Pertinence",
    price_low_high: "Prix croissant",
    price_high_low: "Prix décroissant",
    newest: "Nouveautés",
    category: "Catégorie",
    any_category: "Toutes les catégories",
    price_from: "Prix minimum ({})",
    price_to: "Prix maximum ({})",
    in_stock_only: "En stock uniquement",
    seller_city: "Ville du vendeur",
    ships_to: "Livré dans mon pays",
    apply: "Voir les résultats",
    clear: "Effacer les filtres",
    one_result: "1 résultat",
    results: "{} résultats",
    more_than: "Plus de {} résultats",
    previous: "Page précédente",
    next: "Page suivante",
    page: "Page {}",
    bad_price: "Un prix doit être un nombre entier, par exemple 5000.",
    price_order: "Le prix minimum dépasse le prix maximum.",
    bad_page: "Cette page de résultats n’existe pas.",
    bad_filter: "Un des filtres de cette adresse est inutilisable. Effacez les filtres et réessayez.",
};

pub static ARABIC: BrowseWords = BrowseWords {
    refine: "الترتيب والتصفية",
    sort_by: "ترتيب حسب",
    relevance: "الأكثر صلة",
    price_low_high: "السعر: من الأقل إلى الأعلى",
    price_high_low: "السعر: من الأعلى إلى الأقل",
    newest: "الأحدث",
    category: "الفئة",
    any_category: "كل الفئات",
    price_from: "أدنى سعر ({})",
    price_to: "أعلى سعر ({})",
    in_stock_only: "المتوفر فقط",
    seller_city: "مدينة البائع",
    ships_to: "يُشحن إلى بلدي",
    apply: "عرض النتائج",
    clear: "مسح عوامل التصفية",
    one_result: "نتيجة واحدة",
    results: "{} نتيجة",
    more_than: "أكثر من {} نتيجة",
    previous: "الصفحة السابقة",
    next: "الصفحة التالية",
    page: "الصفحة {}",
    bad_price: "يجب أن يكون السعر عددًا صحيحًا، مثل 5000.",
    price_order: "أدنى سعر أعلى من أعلى سعر.",
    bad_page: "صفحة النتائج هذه غير موجودة.",
    bad_filter: "لا يمكن استخدام أحد عوامل التصفية في هذا العنوان. امسح عوامل التصفية وحاول مرة أخرى.",
};

pub static PORTUGUESE: BrowseWords = BrowseWords {
    refine: "Ordenar e filtrar",
    sort_by: "Ordenar por",
    relevance: "Mais relevantes",
    price_low_high: "Preço: do menor ao maior",
    price_high_low: "Preço: do maior ao menor",
    newest: "Mais recentes",
    category: "Categoria",
    any_category: "Todas as categorias",
    price_from: "Preço mínimo ({})",
    price_to: "Preço máximo ({})",
    in_stock_only: "Só com stock",
    seller_city: "Cidade do vendedor",
    ships_to: "Entrega no meu país",
    apply: "Ver resultados",
    clear: "Limpar filtros",
    one_result: "1 resultado",
    results: "{} resultados",
    more_than: "Mais de {} resultados",
    previous: "Página anterior",
    next: "Página seguinte",
    page: "Página {}",
    bad_price: "Um preço tem de ser um número inteiro, como 5000.",
    price_order: "O preço mínimo é superior ao preço máximo.",
    bad_page: "Essa página de resultados não existe.",
    bad_filter: "Um dos filtros deste endereço não pode ser usado. Limpe os filtros e tente de novo.",
};

pub static SWAHILI: BrowseWords = BrowseWords {
    refine: "Panga na chuja",
    sort_by: "Panga kwa",
    relevance: "Zinazolingana zaidi",
    price_low_high: "Bei: ya chini kwanza",
    price_high_low: "Bei: ya juu kwanza",
    newest: "Mpya zaidi",
    category: "Aina",
    any_category: "Aina zote",
    price_from: "Bei kuanzia ({})",
    price_to: "Bei hadi ({})",
    in_stock_only: "Zilizopo tu",
    seller_city: "Mji wa muuzaji",
    ships_to: "Inafikishwa nchini kwangu",
    apply: "Onyesha matokeo",
    clear: "Futa vichujio",
    one_result: "Tokeo 1",
    results: "Matokeo {}",
    more_than: "Matokeo zaidi ya {}",
    previous: "Ukurasa uliopita",
    next: "Ukurasa unaofuata",
    page: "Ukurasa {}",
    bad_price: "Bei lazima iwe namba kamili, kama 5000.",
    price_order: "Bei ya chini ni kubwa kuliko bei ya juu.",
    bad_page: "Ukurasa huo wa matokeo haupo.",
    bad_filter: "Kichujio kimoja katika anwani hii hakiwezi kutumika. Futa vichujio ujaribu tena.",
};
