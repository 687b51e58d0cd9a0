//! What shoppers and vendors read about a suspended shop, in each language the shop speaks: a
//! cart line of a suspended shop, the refusal to add or order its products
//! (`/problems/shop-suspended`), and the notice on the suspended vendor's own dashboard. `{}`
//! is where [`crate::words::fill`] puts its value.

use linkedall_shared::Language;

#[derive(Debug)]
pub struct SuspensionWords {
    /// Beside a cart line whose shop is suspended.
    pub line_unavailable: &'static str,
    /// Why a cart holding such a line cannot be ordered.
    pub cart_unavailable: &'static str,
    /// The origin refused to add or order a suspended shop's product.
    pub shop_suspended: &'static str,
    /// The heading of the notice on the vendor's dashboard.
    pub vendor_notice: &'static str,
    pub vendor_explained: &'static str,
    pub vendor_reason: &'static str,
    pub vendor_since: &'static str,
}

impl SuspensionWords {
    pub fn of(language: Language) -> &'static SuspensionWords {
        language.pick([&ENGLISH, &FRENCH, &ARABIC, &PORTUGUESE, &SWAHILI])
    }
}

/// The sentence for an origin's refusal of `kind`, when it is about a suspended shop.
pub fn refusal(language: Language, kind: &str) -> Option<&'static str> {
    (kind == "shop-suspended").then(|| SuspensionWords::of(language).shop_suspended)
}

pub static ENGLISH: SuspensionWords = SuspensionWords {
    line_unavailable: "Unavailable: this shop is suspended.",
    cart_unavailable: "A shop in your cart is suspended: remove its products to order the rest.",
    shop_suspended: "This shop is suspended: its products cannot be bought for now.",
    vendor_notice: "Your shop is suspended",
    vendor_explained: "Shoppers cannot see or buy your products until the shop's administrators reinstate it.",
    vendor_reason: "Their reason: {}",
    vendor_since: "Suspended since {} (UTC).",
};

pub static FRENCH: SuspensionWords = SuspensionWords {
    line_unavailable: "Indisponible : cette boutique est suspendue.",
    cart_unavailable: "Une boutique de votre panier est suspendue : retirez ses produits pour commander le reste.",
    shop_suspended: "Cette boutique est suspendue : ses produits ne peuvent pas être achetés pour l’instant.",
    vendor_notice: "Votre boutique est suspendue",
    vendor_explained: "Les clients ne voient plus vos produits et ne peuvent plus les acheter tant que les administrateurs de la boutique ne l’ont pas rétablie.",
    vendor_reason: "Leur motif : {}",
    vendor_since: "Suspendue depuis le {} (UTC).",
};

pub static ARABIC: SuspensionWords = SuspensionWords {
    line_unavailable: "غير متاح: هذا المتجر موقوف.",
    cart_unavailable: "أحد المتاجر في سلتك موقوف: أزل منتجاته لتطلب الباقي.",
    shop_suspended: "هذا المتجر موقوف: لا يمكن شراء منتجاته حاليًا.",
    vendor_notice: "متجرك موقوف",
    vendor_explained: "لا يرى المتسوقون منتجاتك ولا يمكنهم شراؤها حتى يعيد مسؤولو المتجر تفعيله.",
    vendor_reason: "السبب الذي ذكروه: {}",
    vendor_since: "موقوف منذ {} (بالتوقيت العالمي).",
};

pub static PORTUGUESE: SuspensionWords = SuspensionWords {
    line_unavailable: "Indisponível: esta loja está suspensa.",
    cart_unavailable: "Uma loja do seu carrinho está suspensa: retire os produtos dela para encomendar o resto.",
    shop_suspended: "Esta loja está suspensa: os seus produtos não podem ser comprados por agora.",
    vendor_notice: "A sua loja está suspensa",
    vendor_explained: "Os clientes não veem nem podem comprar os seus produtos até que os administradores da loja a reativem.",
    vendor_reason: "O motivo indicado: {}",
    vendor_since: "Suspensa desde {} (UTC).",
};

pub static SWAHILI: SuspensionWords = SuspensionWords {
    line_unavailable: "Haipatikani: duka hili limesimamishwa.",
    cart_unavailable: "Duka moja kwenye kikapu chako limesimamishwa: ondoa bidhaa zake ili uagize zilizobaki.",
    shop_suspended: "Duka hili limesimamishwa: bidhaa zake haziwezi kununuliwa kwa sasa.",
    vendor_notice: "Duka lako limesimamishwa",
    vendor_explained: "Wanunuzi hawawezi kuona wala kununua bidhaa zako hadi wasimamizi wa duka walirejeshe.",
    vendor_reason: "Sababu yao: {}",
    vendor_since: "Limesimamishwa tangu {} (UTC).",
};
