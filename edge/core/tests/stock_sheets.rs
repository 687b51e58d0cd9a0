//! The stock sheet page: a vendor sends a CSV file, reads what would change line by line in
//! their language, and applies exactly the sheet they saw.

mod console_origin;

use bytes::Bytes;
use console_origin::{ConsoleOrigin, SHOPPER, VENDOR};
use futures_executor::block_on;
use linkedall_edge::handle;
use linkedall_shared::StockSheetPreview;
use linkedall_shared::stock_sheet::{LineProblem, PreviewLine};

const BOUNDARY: &str = "----linkedall-sheet-test";
const FRENCH_VENDOR: &str = "linkedall_session=vendor; la_lang=fr";

fn get(path: &str, cookie: &str) -> http::Request<Bytes> {
    http::Request::get(path).header("cookie", cookie).body(Bytes::new()).unwrap()
}

/// What a browser sends for the sheet form with one file.
fn sheet_upload(csv: &str, cookie: &str) -> http::Request<Bytes> {
    let body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"sheet\"; filename=\"stock.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--{BOUNDARY}--\r\n"
    );
    http::Request::post("/vendor/stock")
        .header("content-type", format!("multipart/form-data; boundary={BOUNDARY}"))
        .header("cookie", cookie)
        .header("sec-fetch-site", "same-origin")
        .body(Bytes::from(body))
        .unwrap()
}

fn apply(sheet: &str, cookie: &str) -> http::Request<Bytes> {
    let form: String = form_urlencoded::Serializer::new(String::new()).append_pair("sheet", sheet).finish();
    http::Request::post("/vendor/stock/apply")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", cookie)
        .header("sec-fetch-site", "same-origin")
        .body(Bytes::from(form))
        .unwrap()
}

fn text(response: &http::Response<Bytes>) -> String {
    String::from_utf8(response.body().to_vec()).unwrap()
}

fn line(
    line: u32,
    id: i64,
    name: Option<&str>,
    current: Option<u32>,
    stock: u32,
    problem: Option<LineProblem>,
) -> PreviewLine {
    PreviewLine {
        line,
        product_id: Some(id),
        name: name.map(str::to_owned),
        current,
        stock: Some(stock),
        problem,
    }
}

fn preview(sheet: &str, lines: Vec<PreviewLine>) -> StockSheetPreview {
    let problems = lines.iter().filter(|l| l.problem.is_some()).count() as u32;
    let changes = lines.iter().filter(|l| l.problem.is_none() && l.current != l.stock).count() as u32;
    let unchanged = lines.len() as u32 - problems - changes;
    StockSheetPreview { sheet: sheet.into(), lines, changes, unchanged, problems }
}

/// English a French page must not show.
fn assert_french(page: &str) {
    for tell in [
        "Update stock",
        "Preview the changes",
        "Apply these changes",
        "Will change",
        "No change",
        "with a mistake",
        "Download my stock sheet",
        "Back to my shop",
        ">Line<",
        ">Check<",
    ] {
        assert!(!page.contains(tell), "English {tell:?} on the French page: {page}");
    }
}

#[test]
fn a_sheet_with_mistakes_shows_each_on_its_line_in_french_and_offers_nothing_to_apply() {
    let mut origin = ConsoleOrigin::new();
    let csv = "product_id;stock\r\n5;20\r\n99;3\r\n";
    origin.json(
        "POST",
        "/api/v1/vendor/stock/preview",
        200,
        &preview(
            csv,
            vec![
                line(2, 5, Some("Pagne wax Éclat"), Some(8), 20, None),
                line(3, 99, None, None, 3, Some(LineProblem::NotYours)),
            ],
        ),
    );
    let request = sheet_upload(csv, FRENCH_VENDOR);
    let sent = request.body().clone();
    let response = block_on(handle(request, &origin));
    let page = text(&response);
    assert_eq!(response.status(), 200, "{page}");
    assert_eq!(response.headers()["cache-control"], "private, no-store");
    let forwarded = &origin.sent("POST", "/api/v1/vendor/stock/preview")[0];
    assert_eq!(forwarded.body(), &sent, "the file reaches the origin as the browser sent it");
    assert!(page.contains("Lignes avec une erreur : 1"), "{page}");
    assert!(page.contains("Aucun produit de votre boutique n’a ce numéro."), "{page}");
    assert!(page.contains("Pagne wax Éclat (#5)") && page.contains("Sera changé"), "{page}");
    assert!(page.contains("Corrigez dans votre fichier"), "{page}");
    assert!(!page.contains("/vendor/stock/apply"), "no apply form while a line is wrong: {page}");
    assert_french(&page);
}

#[test]
fn a_clean_sheet_is_applied_exactly_as_previewed() {
    let mut origin = ConsoleOrigin::new();
    let csv = "product_id,stock\r\n5,20\r\n6,0\r\n";
    origin.json(
        "POST",
        "/api/v1/vendor/stock/preview",
        200,
        &preview(
            csv,
            vec![
                line(2, 5, Some("Pagne wax Éclat"), Some(8), 20, None),
                line(3, 6, Some("Bazin riche bleu"), Some(2), 0, None),
            ],
        ),
    );
    origin.raw("POST", "/api/v1/vendor/stock", 200, r#"{"changed":2,"unchanged":0}"#);
    let page = text(&block_on(handle(sheet_upload(csv, FRENCH_VENDOR), &origin)));
    assert!(
        page.contains(r#"action="/vendor/stock/apply""#) && page.contains("Appliquer ces changements"),
        "{page}"
    );
    assert!(
        page.contains("<textarea name=\"sheet\" hidden>product_id,stock\r\n5,20\r\n6,0\r\n</textarea>"),
        "{page}"
    );
    assert_french(&page);

    let response = block_on(handle(apply(csv, FRENCH_VENDOR), &origin));
    assert_eq!(
        (response.status().as_u16(), response.headers()["location"].to_str().unwrap()),
        (303, "/vendor/stock?applied=2")
    );
    let applied = &origin.sent("POST", "/api/v1/vendor/stock")[0];
    let body: serde_json::Value = serde_json::from_slice(applied.body()).unwrap();
    assert_eq!(body, serde_json::json!({ "sheet": csv }));
    let page = text(&block_on(handle(get("/vendor/stock?applied=2", FRENCH_VENDOR), &origin)));
    assert!(page.contains("Stock mis à jour pour 2 produits."), "{page}");
}

#[test]
fn a_sheet_the_shop_changed_under_is_previewed_again_instead_of_applied() {
    let mut origin = ConsoleOrigin::new();
    let csv = "5,20\n";
    origin.raw(
        "POST",
        "/api/v1/vendor/stock",
        422,
        r#"{"type":"/problems/stock-sheet-has-mistakes","status":422,"detail":"line 1"}"#,
    );
    origin.json(
        "POST",
        "/api/v1/vendor/stock/preview",
        200,
        &preview(csv, vec![line(1, 5, None, None, 20, Some(LineProblem::NotYours))]),
    );
    let response = block_on(handle(apply(csv, VENDOR), &origin));
    let page = text(&response);
    assert_eq!(response.status(), 409, "{page}");
    assert!(
        page.contains("Your products changed since the preview.")
            && page.contains("No product of your shop has this number."),
        "{page}"
    );
}

#[test]
fn an_unreadable_sheet_a_missing_file_and_a_shopper_each_get_a_sentence() {
    let mut origin = ConsoleOrigin::new();
    origin.raw(
        "POST",
        "/api/v1/vendor/stock/preview",
        422,
        r#"{"type":"/problems/stock-sheet-columns","status":422,"detail":"no columns"}"#,
    );
    let response = block_on(handle(sheet_upload("name,price\n", FRENCH_VENDOR), &origin));
    assert_eq!(response.status(), 422);
    assert!(
        text(&response)
            .contains("La première ligne doit nommer une colonne product_id et une colonne stock.")
    );

    let empty_form = http::Request::post("/vendor/stock")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", VENDOR)
        .header("sec-fetch-site", "same-origin")
        .body(Bytes::new())
        .unwrap();
    let response = block_on(handle(empty_form, &origin));
    assert_eq!(response.status(), 400);
    assert!(text(&response).contains("Choose a CSV file first."));

    let origin = ConsoleOrigin::new();
    let response = block_on(handle(get("/vendor/stock", SHOPPER), &origin));
    assert_eq!(response.status(), 403);
    assert!(!origin.reached("/api/v1/vendor/stock"), "a shopper's visit asks nothing of the sheet routes");
}

#[test]
fn the_shops_sheet_downloads_as_a_csv_file() {
    let mut origin = ConsoleOrigin::new();
    origin.raw("GET", "/api/v1/vendor/stock.csv", 200, "product_id,name,stock\r\n5,Pagne wax Éclat,8\r\n");
    let response = block_on(handle(get("/vendor/stock.csv", VENDOR), &origin));
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(response.headers()["content-disposition"], "attachment; filename=\"stock.csv\"");
    assert_eq!(response.headers()["cache-control"], "private, no-store");
    assert_eq!(text(&response), "product_id,name,stock\r\n5,Pagne wax Éclat,8\r\n");
}
