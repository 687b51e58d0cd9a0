//! The cart of a shopper who has not signed in: its lines live in a cookie of the edge's own
//! ([`GUEST_CART_COOKIE`], `17-2.21-1`: product and quantity), priced by the origin on every
//! view like any cart (`POST /api/v1/cart/guest`), and moved into the shopper's own cart the
//! moment they sign in or create an account ([`super::login`]), so the item they were adding
//! is never lost. Nothing in it is trusted: ids and quantities are re-checked by the origin.

use super::documents::LineRequest;
use super::visit::Visit;
use crate::host::Host;

/// The cookie holding a guest's lines.
pub const GUEST_CART_COOKIE: &str = "la_cart";
/// How long a guest's cart is kept: thirty days.
const KEEP_SECS: u32 = 30 * 24 * 60 * 60;
/// Most lines a guest cart holds (a cookie stays small).
const MAX_LINES: usize = 20;
/// Most units of one product in a line, as in a signed-in cart.
const MAX_QUANTITY: u32 = 99;

/// A guest's lines, product and quantity.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GuestCart(Vec<(i64, u32)>);

impl GuestCart {
    /// The lines the shopper's cookie holds (anything unreadable in it is dropped).
    pub fn of<H: Host>(visit: &Visit<'_, H>) -> GuestCart {
        GuestCart::parse(&visit.cookie(GUEST_CART_COOKIE).unwrap_or_default())
    }

    pub fn parse(value: &str) -> GuestCart {
        let mut cart = GuestCart::default();
        for line in value.split('.') {
            let Some((product, quantity)) = line.split_once('-') else { continue };
            if let (Ok(product), Ok(quantity)) = (product.parse::<i64>(), quantity.parse::<u32>()) {
                cart.add(product, quantity);
            }
        }
        cart
    }

    /// Adds `quantity` units of `product` (capped per line; a full cart takes no new line).
    pub fn add(&mut self, product: i64, quantity: u32) {
        if product <= 0 || quantity == 0 {
            return;
        }
        let lines = self.0.len();
        match self.0.iter_mut().find(|(p, _)| *p == product) {
            Some((_, units)) => *units = (*units + quantity).min(MAX_QUANTITY),
            None if lines < MAX_LINES => self.0.push((product, quantity.min(MAX_QUANTITY))),
            None => {}
        }
    }

    pub fn remove(&mut self, product: i64) {
        self.0.retain(|(p, _)| *p != product);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The lines as the origin takes them.
    pub fn lines(&self) -> Vec<LineRequest> {
        self.0.iter().map(|&(product_id, quantity)| LineRequest { product_id, quantity }).collect()
    }

    /// The `Set-Cookie` value that keeps these lines (or forgets them, when there are none).
    pub fn cookie(&self, https: bool) -> String {
        let secure = if https { "; Secure" } else { "" };
        if self.0.is_empty() {
            return format!("{GUEST_CART_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{secure}");
        }
        let value: Vec<String> = self.0.iter().map(|(p, q)| format!("{p}-{q}")).collect();
        format!(
            "{GUEST_CART_COOKIE}={}; Path=/; Max-Age={KEEP_SECS}; HttpOnly; SameSite=Lax{secure}",
            value.join(".")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_survive_the_cookie_and_junk_does_not() {
        let mut cart = GuestCart::parse("17-2.21-1.x-3.5-0.-1-2.9");
        assert_eq!(cart, GuestCart(vec![(17, 2), (21, 1)]));
        cart.add(17, 200);
        cart.add(4, 1);
        cart.remove(21);
        assert_eq!(cart, GuestCart(vec![(17, 99), (4, 1)]));
        assert!(cart.cookie(false).starts_with("la_cart=17-99.4-1; Path=/; Max-Age=2592000; HttpOnly"));
        assert_eq!(
            GuestCart::parse(cart.cookie(true).split(';').next().unwrap().trim_start_matches("la_cart=")),
            cart
        );
        assert!(
            GuestCart::default().cookie(true).contains("Max-Age=0")
                && GuestCart::default().cookie(true).ends_with("Secure")
        );
        let mut full = GuestCart::default();
        for product in 1..=30 {
            full.add(product, 1);
        }
        assert_eq!(full.0.len(), MAX_LINES);
    }
}
