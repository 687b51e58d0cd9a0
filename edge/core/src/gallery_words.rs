//! The words of a product's photos in each language the shop speaks: the gallery on the
//! product page (its photos' text alternatives) and the photo list on the vendor's product
//! form (remove, make main, add, and why an upload or a change was refused). `{n}`, `{count}`
//! and `{name}` are filled by [`GalleryWords::photo_of`]; `{}` by [`crate::words::fill`].

use linkedall_shared::Language;

/// Every phrase about a product's photos.
#[derive(Debug)]
pub struct GalleryWords {
    /// A photo's text alternative on the product page: "Photo 2 of 3 of {name}".
    pub photo_of: &'static str,
    /// The label of the strip of photos.
    pub photos_label: &'static str,
    /// The label of the row of thumbnails that lead to each photo.
    pub thumbnails_label: &'static str,
    /// The console's heading over the product's photos.
    pub heading: &'static str,
    /// What the console says about the photos, with the limit.
    pub hint: &'static str,
    pub main_photo: &'static str,
    /// "Photo {}": the others, numbered.
    pub photo_number: &'static str,
    pub make_main: &'static str,
    /// The accessible name of a "Make main" button: "Make main: photo {}".
    pub make_main_label: &'static str,
    pub remove: &'static str,
    /// The accessible name of a "Remove" button: "Remove photo {}".
    pub remove_label: &'static str,
    pub add_photo: &'static str,
    pub added: &'static str,
    pub removed: &'static str,
    pub made_main: &'static str,
    /// The product has as many photos as it may.
    pub full: &'static str,
    pub too_many: &'static str,
    pub already_there: &'static str,
    /// The photo was gone already (removed in another window).
    pub gone: &'static str,
}

impl GalleryWords {
    pub fn of(language: Language) -> &'static GalleryWords {
        language.pick([&ENGLISH, &FRENCH, &ARABIC, &PORTUGUESE, &SWAHILI])
    }

    /// "Photo 2 of 3 of Adire scarf", the name as the vendor wrote it.
    pub fn photo_of(&self, n: usize, count: usize, name: &str) -> String {
        self.photo_of
            .replace("{n}", &n.to_string())
            .replace("{count}", &count.to_string())
            .replace("{name}", name)
    }
}

pub static ENGLISH: GalleryWords = GalleryWords {
    photo_of: "Photo {n} of {count} of {name}",
    photos_label: "Photos",
    thumbnails_label: "Choose a photo",
    heading: "Photos",
    hint: "Up to {} photos. The first is the main one: shoppers see it on cards and first on the product page.",
    main_photo: "Main photo",
    photo_number: "Photo {}",
    make_main: "Make main",
    make_main_label: "Make main: photo {}",
    remove: "Remove",
    remove_label: "Remove photo {}",
    add_photo: "Add a photo",
    added: "Your photo is on the product page.",
    removed: "The photo was removed from the product page.",
    made_main: "This photo is now the main one.",
    full: "This product has as many photos as it may. Remove one to add another.",
    too_many: "This product has as many photos as it may. Remove one before adding another.",
    already_there: "This photo is already one of the product's photos.",
    gone: "This photo was already removed.",
};

pub static FRENCH: GalleryWords = GalleryWords {
    photo_of: "Photo {n} sur {count} de {name}",
    photos_label: "Photos",
    thumbnails_label: "Choisir une photo",
    heading: "Photos",
    hint: "Jusqu’à {} photos. La première est la principale : les clients la voient sur les fiches et en premier sur la page du produit.",
    main_photo: "Photo principale",
    photo_number: "Photo {}",
    make_main: "Mettre en premier",
    make_main_label: "Mettre en premier : photo {}",
    remove: "Retirer",
    remove_label: "Retirer la photo {}",
    add_photo: "Ajouter une photo",
    added: "Votre photo est sur la page du produit.",
    removed: "La photo a été retirée de la page du produit.",
    made_main: "Cette photo est maintenant la principale.",
    full: "Ce produit a autant de photos que permis. Retirez-en une pour en ajouter une autre.",
    too_many: "Ce produit a autant de photos que permis. Retirez-en une avant d’en ajouter une autre.",
    already_there: "Cette photo est déjà l’une des photos du produit.",
    gone: "Cette photo avait déjà été retirée.",
};

pub static ARABIC: GalleryWords = GalleryWords {
    photo_of: "الصورة {n} من {count} لـ {name}",
    photos_label: "الصور",
    thumbnails_label: "اختر صورة",
    heading: "الصور",
    hint: "حتى {} صور. الأولى هي الرئيسية: يراها المتسوقون على البطاقات وأولًا في صفحة المنتج.",
    main_photo: "الصورة الرئيسية",
    photo_number: "الصورة {}",
    make_main: "اجعلها الرئيسية",
    make_main_label: "اجعلها الرئيسية: الصورة {}",
    remove: "إزالة",
    remove_label: "إزالة الصورة {}",
    add_photo: "أضف صورة",
    added: "صورتك على صفحة المنتج.",
    removed: "أُزيلت الصورة من صفحة المنتج.",
    made_main: "هذه الصورة هي الرئيسية الآن.",
    full: "لهذا المنتج أكبر عدد مسموح من الصور. أزل واحدة لإضافة أخرى.",
    too_many: "لهذا المنتج أكبر عدد مسموح من الصور. أزل واحدة قبل إضافة أخرى.",
    already_there: "هذه الصورة من صور المنتج بالفعل.",
    gone: "أُزيلت هذه الصورة من قبل.",
};

pub static PORTUGUESE: GalleryWords = GalleryWords {
    photo_of: "Foto {n} de {count} de {name}",
    photos_label: "Fotos",
    thumbnails_label: "Escolher uma foto",
    heading: "Fotos",
    hint: "Até {} fotos. A primeira é a principal: os clientes veem-na nos cartões e em primeiro lugar na página do produto.",
    main_photo: "Foto principal",
    photo_number: "Foto {}",
    make_main: "Tornar principal",
    make_main_label: "Tornar principal: foto {}",
    remove: "Remover",
    remove_label: "Remover a foto {}",
    add_photo: "Adicionar uma foto",
    added: "A sua foto está na página do produto.",
    removed: "A foto foi removida da página do produto.",
    made_main: "Esta foto é agora a principal.",
    full: "Este produto tem o máximo de fotos permitido. Remova uma para adicionar outra.",
    too_many: "Este produto tem o máximo de fotos permitido. Remova uma antes de adicionar outra.",
    already_there: "Esta foto já é uma das fotos do produto.",
    gone: "Esta foto já tinha sido removida.",
};

pub static SWAHILI: GalleryWords = GalleryWords {
    photo_of: "Picha {n} kati ya {count} ya {name}",
    photos_label: "Picha",
    thumbnails_label: "Chagua picha",
    heading: "Picha",
    hint: "Hadi picha {}. Ya kwanza ndiyo kuu: wanunuzi huiona kwenye kadi na kwanza kwenye ukurasa wa bidhaa.",
    main_photo: "Picha kuu",
    photo_number: "Picha {}",
    make_main: "Ifanye kuu",
    make_main_label: "Ifanye kuu: picha {}",
    remove: "Ondoa",
    remove_label: "Ondoa picha {}",
    add_photo: "Ongeza picha",
    added: "Picha yako iko kwenye ukurasa wa bidhaa.",
    removed: "Picha imeondolewa kwenye ukurasa wa bidhaa.",
    made_main: "Picha hii sasa ndiyo kuu.",
    full: "Bidhaa hii ina picha nyingi kadiri inavyoruhusiwa. Ondoa moja ili kuongeza nyingine.",
    too_many: "Bidhaa hii ina picha nyingi kadiri inavyoruhusiwa. Ondoa moja kabla ya kuongeza nyingine.",
    already_there: "Picha hii tayari ni mojawapo ya picha za bidhaa.",
    gone: "Picha hii ilikuwa imeshaondolewa.",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_photo_says_which_of_how_many_of_what_it_is() {
        assert_eq!(ENGLISH.photo_of(2, 3, "Adire scarf"), "Photo 2 of 3 of Adire scarf");
        assert_eq!(FRENCH.photo_of(1, 2, "Pagne wax"), "Photo 1 sur 2 de Pagne wax");
        for words in [&ENGLISH, &FRENCH, &ARABIC, &PORTUGUESE, &SWAHILI] {
            let text = words.photo_of(2, 3, "X");
            assert!(text.contains('2') && text.contains('3') && text.contains('X'), "{text}");
            assert!(words.hint.contains("{}") && words.photo_number.contains("{}"), "{words:?}");
        }
    }
}
