//! The password reset mail, in the language the shopper was reading the shop in.

use linkedall_shared::Language;

use super::Mail;

/// How long a reset link works, in minutes (said in the mail).
pub const VALID_MINUTES: u64 = 30;

/// The mail that carries `link` to `to`.
pub fn mail(to: &str, link: &str, language: Language) -> Mail {
    let (subject, greeting, body, ignore) = words(language);
    let body = body.replacen("{}", &VALID_MINUTES.to_string(), 1);
    Mail {
        to: to.to_owned(),
        subject: subject.to_owned(),
        text: format!("{greeting}\n\n{body}\n\n{link}\n\n{ignore}\n\n— Linked All\n"),
        kind: "password_reset",
    }
}

/// Subject, greeting, what to do (`{}`: minutes), and what to do if it was not them.
fn words(language: Language) -> (&'static str, &'static str, &'static str, &'static str) {
    match language {
        Language::En => (
            "Choose a new password for Linked All",
            "Hello,",
            "Someone asked to choose a new password for this address's Linked All account. Open this link within {} minutes to choose one:",
            "If it was not you, ignore this mail: your password stays as it is.",
        ),
        Language::Fr => (
            "Choisissez un nouveau mot de passe pour Linked All",
            "Bonjour,",
            "Quelqu’un a demandé à choisir un nouveau mot de passe pour le compte Linked All de cette adresse. Ouvrez ce lien dans les {} minutes pour en choisir un :",
            "Si ce n’était pas vous, ignorez ce message : votre mot de passe ne change pas.",
        ),
        Language::Ar => (
            "اختر كلمة مرور جديدة لـ Linked All",
            "مرحبًا،",
            "طلب أحدهم اختيار كلمة مرور جديدة لحساب Linked All المرتبط بهذا العنوان. افتح هذا الرابط خلال {} دقيقة لاختيارها:",
            "إن لم تكن أنت، فتجاهل هذه الرسالة: تبقى كلمة مرورك كما هي.",
        ),
        Language::Pt => (
            "Escolha uma nova palavra-passe para a Linked All",
            "Olá,",
            "Alguém pediu para escolher uma nova palavra-passe para a conta Linked All deste endereço. Abra esta ligação dentro de {} minutos para a escolher:",
            "Se não foi você, ignore esta mensagem: a sua palavra-passe fica como está.",
        ),
        Language::Sw => (
            "Chagua nenosiri jipya la Linked All",
            "Habari,",
            "Mtu ameomba kuchagua nenosiri jipya la akaunti ya Linked All ya anwani hii. Fungua kiungo hiki ndani ya dakika {} ili kulichagua:",
            "Ikiwa si wewe, puuza barua hii: nenosiri lako linabaki lilivyo.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mail_carries_the_link_and_its_time_in_the_shoppers_language() {
        let mail = mail("ama@example.com", "https://shop.example/reset-password?token=abc", Language::Fr);
        assert_eq!(mail.to, "ama@example.com");
        assert!(mail.subject.starts_with("Choisissez"));
        assert!(mail.text.contains("https://shop.example/reset-password?token=abc"));
        assert!(mail.text.contains("dans les 30 minutes"), "{}", mail.text);
        for language in [Language::En, Language::Fr, Language::Ar, Language::Pt, Language::Sw] {
            let (_, _, body, _) = words(language);
            assert_eq!(body.matches("{}").count(), 1, "{language:?}");
        }
    }
}
