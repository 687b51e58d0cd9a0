//! A stock sheet: a vendor sets the stock of many products at once from a CSV file — the one
//! the shop gave them (`product_id,name,stock`), changed in a spreadsheet and sent back.
//!
//! Read as spreadsheets write it: a byte-order mark, `\r\n`, `;` or tab instead of `,` (French
//! and Portuguese spreadsheets), quoted fields with `""` inside, blank lines, a header naming
//! the columns in any order (`product_id`/`id`, `stock`/`quantity`) or none (then the first
//! column is the product and the second the stock). Each line is read on its own: a line with
//! a mistake is kept with its [`LineProblem`], so the vendor sees every mistake at once, by
//! line number, before anything changes. Whether a product is the vendor's is the origin's to
//! say ([`LineProblem::NotYours`]); everything else is decided here.

use serde::{Deserialize, Serialize};

use crate::ProductId;

/// The most products one sheet may set.
pub const MAX_SHEET_LINES: usize = 5_000;
/// The largest sheet, in bytes.
pub const MAX_SHEET_BYTES: usize = 512 * 1024;
/// The most units of stock a product may have (the product form's limit too).
pub const MAX_STOCK_UNITS: u32 = 1_000_000;

/// Why a sheet cannot be read at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    #[error("the stock sheet is empty: send a CSV file with a product id and a stock per line")]
    Empty,
    #[error("the stock sheet is larger than {} KB; split it", MAX_SHEET_BYTES / 1024)]
    TooLarge,
    #[error("the stock sheet has more than {MAX_SHEET_LINES} products; split it")]
    TooManyLines,
    #[error("the stock sheet's header names no `product_id` and `stock` columns")]
    NoColumns,
}

impl SheetError {
    /// The problem type's slug, so a page can say it in the vendor's language.
    pub fn kind(self) -> &'static str {
        match self {
            SheetError::Empty => "stock-sheet-empty",
            SheetError::TooLarge => "stock-sheet-too-large",
            SheetError::TooManyLines => "stock-sheet-too-many-lines",
            SheetError::NoColumns => "stock-sheet-columns",
        }
    }
}

/// What is wrong with one line of a sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LineProblem {
    /// Fewer columns than the header (or than two), or a quote left open.
    Columns,
    /// The product column is not a product id.
    ProductId,
    /// The stock is not a whole number from 0 to [`MAX_STOCK_UNITS`].
    Stock,
    /// No product of the vendor's has this id.
    NotYours,
    /// The product was already set on an earlier line.
    Repeated,
}

/// One product's new stock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StockEntry {
    pub product: ProductId,
    pub stock: u32,
}

/// One line of the sheet, as read: its number in the file (1 is the first line, the header
/// if there is one) and its entry or what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetLine {
    pub line: u32,
    pub entry: Result<StockEntry, LineProblem>,
}

/// A sheet read line by line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockSheet {
    pub lines: Vec<SheetLine>,
}

impl StockSheet {
    /// Reads a sheet; an error only for a sheet that cannot be read at all.
    pub fn parse(text: &str) -> Result<StockSheet, SheetError> {
        if text.len() > MAX_SHEET_BYTES {
            return Err(SheetError::TooLarge);
        }
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut rows = text
            .lines()
            .enumerate()
            .map(|(at, row)| (u32::try_from(at + 1).unwrap_or(u32::MAX), row))
            .filter(|(_, row)| !row.trim().is_empty())
            .peekable();
        let Some(&(_, first)) = rows.peek() else {
            return Err(SheetError::Empty);
        };
        let separator = separator_of(first);
        let (product_at, stock_at) = match fields(first, separator) {
            Some(header) if header.first().is_some_and(|f| !looks_numeric(f)) => {
                rows.next();
                columns_of(&header).ok_or(SheetError::NoColumns)?
            }
            _ => (0, 1),
        };
        let mut seen = std::collections::HashSet::new();
        let mut lines = Vec::new();
        for (line, row) in rows {
            if lines.len() == MAX_SHEET_LINES {
                return Err(SheetError::TooManyLines);
            }
            let entry = entry_of(row, separator, product_at, stock_at).and_then(|entry| {
                if seen.insert(entry.product) { Ok(entry) } else { Err(LineProblem::Repeated) }
            });
            lines.push(SheetLine { line, entry });
        }
        if lines.is_empty() {
            return Err(SheetError::Empty);
        }
        Ok(StockSheet { lines })
    }

    /// The products the sheet sets, each once.
    pub fn products(&self) -> impl Iterator<Item = ProductId> + '_ {
        self.lines.iter().filter_map(|l| l.entry.ok().map(|e| e.product))
    }
}

/// One line of a sheet as the vendor checks it before applying: the product's name, its
/// stock now and the stock the line sets, or what is wrong with the line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewLine {
    pub line: u32,
    pub product_id: Option<i64>,
    pub name: Option<String>,
    pub current: Option<u32>,
    pub stock: Option<u32>,
    pub problem: Option<LineProblem>,
}

/// What applying a sheet would change (`POST /api/v1/vendor/stock/preview`), and the sheet
/// itself, so the page can send the same text to be applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockSheetPreview {
    pub sheet: String,
    pub lines: Vec<PreviewLine>,
    /// Lines that change a product's stock.
    pub changes: u32,
    /// Lines that set the stock a product already has.
    pub unchanged: u32,
    /// Lines with a mistake: while there is one, nothing is applied.
    pub problems: u32,
}

/// What applying a sheet changed (`POST /api/v1/vendor/stock`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockSheetApplied {
    pub changed: u32,
    pub unchanged: u32,
}

/// The sheet the shop gives a vendor to change: a header, then `product_id,name,stock` per
/// product, names quoted when they hold a comma, a quote or a line break.
pub fn write_sheet<'a>(products: impl IntoIterator<Item = (ProductId, &'a str, u32)>) -> String {
    let mut sheet = String::from("product_id,name,stock\r\n");
    for (id, name, stock) in products {
        let name = name.replace(['\r', '\n'], " ");
        if name.contains([',', '"', ';']) {
            sheet.push_str(&format!("{id},\"{}\",{stock}\r\n", name.replace('"', "\"\"")));
        } else {
            sheet.push_str(&format!("{id},{name},{stock}\r\n"));
        }
    }
    sheet
}

/// `;` or a tab when the first line uses it and no comma, else `,`.
fn separator_of(first: &str) -> char {
    if first.contains(',') {
        ','
    } else if first.contains(';') {
        ';'
    } else if first.contains('\t') {
        '\t'
    } else {
        ','
    }
}

fn looks_numeric(field: &str) -> bool {
    field.trim().chars().next().is_some_and(|c| c.is_ascii_digit() || c == '-' || c == '+')
}

/// Where the product and the stock are, by the header's names.
fn columns_of(header: &[String]) -> Option<(usize, usize)> {
    let find = |names: &[&str]| {
        header.iter().position(|h| {
            let h = h.trim().to_ascii_lowercase().replace([' ', '-'], "_");
            names.contains(&h.as_str())
        })
    };
    Some((find(&["product_id", "id", "product"])?, find(&["stock", "quantity", "qty"])?))
}

fn entry_of(
    row: &str,
    separator: char,
    product_at: usize,
    stock_at: usize,
) -> Result<StockEntry, LineProblem> {
    let fields = fields(row, separator).ok_or(LineProblem::Columns)?;
    let (Some(product), Some(stock)) = (fields.get(product_at), fields.get(stock_at)) else {
        return Err(LineProblem::Columns);
    };
    let product = ProductId::parse(product.trim()).map_err(|_| LineProblem::ProductId)?;
    let stock =
        stock.trim().parse::<u32>().ok().filter(|s| *s <= MAX_STOCK_UNITS).ok_or(LineProblem::Stock)?;
    Ok(StockEntry { product, stock })
}

/// The fields of one CSV line; `None` when a quote is left open.
fn fields(row: &str, separator: char) -> Option<Vec<String>> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = row.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            ('"', true) => quoted = false,
            ('"', false) if field.trim().is_empty() => {
                field.clear();
                quoted = true;
            }
            (c, false) if c == separator => fields.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    if quoted {
        return None;
    }
    fields.push(field);
    Some(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: i64) -> ProductId {
        ProductId::new(n)
    }

    /// A line as the tests compare it: its number, and the product and stock or the problem.
    type Read = (u32, Result<(i64, u32), LineProblem>);

    fn entries(sheet: &StockSheet) -> Vec<Read> {
        sheet.lines.iter().map(|l| (l.line, l.entry.map(|e| (e.product.get(), e.stock)))).collect()
    }

    #[test]
    fn the_sheet_the_shop_gives_reads_back() {
        let sheet = write_sheet([
            (id(7), "Pagne wax, 6 yards", 12),
            (id(9), "Ankara \"Queen\"", 0),
            (id(11), "Gari", 40),
        ]);
        assert_eq!(
            sheet,
            "product_id,name,stock\r\n7,\"Pagne wax, 6 yards\",12\r\n9,\"Ankara \"\"Queen\"\"\",0\r\n11,Gari,40\r\n"
        );
        let read = StockSheet::parse(&sheet).unwrap();
        assert_eq!(entries(&read), vec![(2, Ok((7, 12))), (3, Ok((9, 0))), (4, Ok((11, 40)))]);
    }

    #[test]
    fn spreadsheets_of_every_language_are_read() {
        let french = "\u{feff}Quantity;Product ID\r\n15;7\r\n\r\n3;9\r\n";
        assert_eq!(entries(&StockSheet::parse(french).unwrap()), vec![(2, Ok((7, 15))), (4, Ok((9, 3)))]);
        let no_header = "7\t5\n9\t6";
        assert_eq!(entries(&StockSheet::parse(no_header).unwrap()), vec![(1, Ok((7, 5))), (2, Ok((9, 6)))]);
    }

    #[test]
    fn every_mistake_is_kept_on_its_line() {
        let sheet = "product_id,name,stock\n7,Gari,12\nx,Rice,3\n9,Beans,-1\n11,Yam\n7,Gari again,4\n13,\"open,2\n15,Oil, 1 000\n";
        assert_eq!(
            entries(&StockSheet::parse(sheet).unwrap()),
            vec![
                (2, Ok((7, 12))),
                (3, Err(LineProblem::ProductId)),
                (4, Err(LineProblem::Stock)),
                (5, Err(LineProblem::Columns)),
                (6, Err(LineProblem::Repeated)),
                (7, Err(LineProblem::Columns)),
                (8, Err(LineProblem::Stock)),
            ]
        );
        assert_eq!(
            entries(&StockSheet::parse("id,stock\n5,1000001\n6,1000000").unwrap()),
            vec![(2, Err(LineProblem::Stock)), (3, Ok((6, 1_000_000)))]
        );
    }

    #[test]
    fn a_sheet_that_cannot_be_read_says_why() {
        assert_eq!(StockSheet::parse(""), Err(SheetError::Empty));
        assert_eq!(StockSheet::parse("\u{feff}\r\n  \n"), Err(SheetError::Empty));
        assert_eq!(StockSheet::parse("product_id,stock\n"), Err(SheetError::Empty));
        assert_eq!(StockSheet::parse("name,price\nGari,300"), Err(SheetError::NoColumns));
        let long: String = (1..=MAX_SHEET_LINES + 1).map(|n| format!("{n},1\n")).collect();
        assert_eq!(StockSheet::parse(&long), Err(SheetError::TooManyLines));
        let large = "1,1\n".repeat(MAX_SHEET_BYTES / 4 + 1);
        assert_eq!(StockSheet::parse(&large), Err(SheetError::TooLarge));
    }
}
