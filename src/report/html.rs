//! A minimal `dashboard.html`: the report's title, period, packs, notes and the list of
//! its tables, one self-contained page. The full dashboard with charts replaces this file.

use super::model::Report;

/// Language of the page's labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Simplified Chinese.
    Zh,
}

impl std::str::FromStr for Lang {
    type Err = String;

    fn from_str(s: &str) -> Result<Lang, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "en" => Ok(Lang::En),
            "zh" => Ok(Lang::Zh),
            _ => Err(format!("unknown dashboard language '{s}': use en or zh")),
        }
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The page.
pub fn render(report: &Report, lang: Lang) -> String {
    let (html_lang, tables_label) = match lang {
        Lang::En => ("en", "Tables"),
        Lang::Zh => ("zh-CN", "数据表"),
    };
    let mut s = format!(
        "<!DOCTYPE html>\n<html lang=\"{html_lang}\">\n<head><meta charset=\"utf-8\"><title>{t}</title></head>\n<body>\n<h1>{t}</h1>\n",
        t = esc(&report.title)
    );
    if let (Some(a), Some(b)) = (&report.from, &report.to) {
        s.push_str(&format!("<p>{} … {}</p>\n", esc(a), esc(b)));
    }
    for line in report.packs.iter().chain(&report.notes) {
        s.push_str(&format!("<p>{}</p>\n", esc(line)));
    }
    s.push_str(&format!("<h2>{tables_label}</h2>\n<ul>\n"));
    for t in &report.tables {
        let what = match &t.absent {
            Some(why) => esc(why),
            None => format!("{} rows", t.rows.len()),
        };
        s.push_str(&format!(
            "<li id=\"{id}\">{id}.csv: {what}</li>\n",
            id = esc(&t.id)
        ));
    }
    s.push_str("</ul>\n</body>\n</html>\n");
    s
}
