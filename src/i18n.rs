//! The message catalogs: one per language, every user-facing string comes from them.
//!
//! `locales/zh.txt` and `locales/en.txt` hold `key = text` lines. A test checks that both
//! catalogs have the same keys and that every key a template or handler asks for exists.

use std::collections::HashMap;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Simplified Chinese, the default.
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// The `lang` attribute of the page.
    pub fn html_lang(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Chinese unless the browser prefers English over Chinese.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = pieces
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|v| v.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            let lang = if tag.starts_with("zh") {
                Lang::Zh
            } else if tag.starts_with("en") {
                Lang::En
            } else {
                continue;
            };
            if best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l).unwrap_or_default()
    }
}

/// One language's messages.
#[derive(Debug)]
pub struct Catalog {
    pub lang: Lang,
    messages: HashMap<&'static str, &'static str>,
}

impl Catalog {
    fn parse(lang: Lang, source: &'static str) -> Catalog {
        let messages = source
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.trim(), v.trim()))
            // A value in double quotes keeps its spaces (English punctuation: `p.open = " ("`).
            .map(|(k, v)| {
                let quoted = v.len() >= 2 && v.starts_with('"') && v.ends_with('"');
                (k, if quoted { &v[1..v.len() - 1] } else { v })
            })
            .collect();
        Catalog { lang, messages }
    }

    /// The message for `key`; the key itself when missing (the catalog test prevents that).
    pub fn t<'a>(&'a self, key: &'a str) -> &'a str {
        self.messages.get(key).copied().unwrap_or(key)
    }

    pub fn keys(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.messages.keys().copied()
    }

    pub fn has(&self, key: &str) -> bool {
        self.messages.contains_key(key)
    }
}

static ZH: LazyLock<Catalog> =
    LazyLock::new(|| Catalog::parse(Lang::Zh, include_str!("../locales/zh.txt")));
static EN: LazyLock<Catalog> =
    LazyLock::new(|| Catalog::parse(Lang::En, include_str!("../locales/en.txt")));

pub fn catalog(lang: Lang) -> &'static Catalog {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_preferred_of_zh_and_en() {
        assert_eq!(Lang::from_accept_language(""), Lang::Zh);
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Lang::En);
        assert_eq!(
            Lang::from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"),
            Lang::Zh
        );
        assert_eq!(
            Lang::from_accept_language("fr-FR,en;q=0.5,zh;q=0.4"),
            Lang::En
        );
        assert_eq!(Lang::from_accept_language("fr-FR"), Lang::Zh);
    }

    #[test]
    fn both_catalogs_have_the_same_keys() {
        let zh: std::collections::BTreeSet<_> = catalog(Lang::Zh).keys().collect();
        let en: std::collections::BTreeSet<_> = catalog(Lang::En).keys().collect();
        let only_zh: Vec<_> = zh.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&zh).collect();
        assert!(only_zh.is_empty(), "missing from en.txt: {only_zh:?}");
        assert!(only_en.is_empty(), "missing from zh.txt: {only_en:?}");
        assert!(zh.len() > 50, "catalog suspiciously small: {}", zh.len());
    }
}
