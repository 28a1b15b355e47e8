//! Pinyin of names, for searching children by typing `zxm`, `zhang` or `zhangxiaoming` for 张小明.

use ::pinyin::ToPinyin;

/// The lower-case pinyin first letter of each Chinese character in `name`,
/// in order (张小明 → `zxm`). ASCII letters and digits are kept, lower-cased
/// (full-width ones such as `Ａ`, `１` are treated as their ASCII forms);
/// every other character (spaces, punctuation, `·`) is dropped. Polyphonic
/// characters use the crate's default reading.
pub fn initials(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for ch in name.chars() {
        let ch = halfwidth(ch);
        if ch.is_ascii_alphanumeric() {
            out.push(ch.to_ascii_lowercase());
        } else if let Some(p) = ch.to_pinyin() {
            out.push_str(p.first_letter());
        }
    }
    out
}

/// The full pinyin of `name`, without tones (张小明 → `zhangxiaoming`); ASCII letters and digits
/// kept lower-cased, everything else dropped, as in [`initials`].
pub fn full(name: &str) -> String {
    let mut out = String::with_capacity(name.len() * 3);
    for ch in name.chars() {
        let ch = halfwidth(ch);
        if ch.is_ascii_alphanumeric() {
            out.push(ch.to_ascii_lowercase());
        } else if let Some(p) = ch.to_pinyin() {
            out.push_str(p.plain());
        }
    }
    out
}

/// What a child's name is searched by (the `name_initials` column): the initials, `|`, and the
/// full pinyin (黄思琪 → `hsq|huangsiqi`). The initials stay first, so a prefix search on them
/// still uses the index.
pub fn search_key(name: &str) -> String {
    format!("{}|{}", initials(name), full(name))
}

/// Whether a search `query` matches stored `initials`: the query is reduced
/// with [`initials`] (so `ZXM`, `z x m`, `张小` and `zx` all work) and must
/// occur in them; a prefix match is one case of that. A query that reduces
/// to nothing places no constraint and matches everything.
pub fn matches(initials: &str, query: &str) -> bool {
    let query = self::initials(query);
    initials.to_ascii_lowercase().contains(&query)
}

/// Full-width ASCII forms (U+FF01–U+FF5E) to ASCII; other characters as is.
fn halfwidth(ch: char) -> char {
    match ch {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(ch as u32 - 0xFEE0).unwrap_or(ch),
        _ => ch,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_names() {
        assert_eq!(initials("张小明"), "zxm");
        assert_eq!(initials("欧阳娜娜"), "oynn");
        assert_eq!(initials("王芳"), "wf");
        assert_eq!(initials("刘"), "l");
        assert_eq!(initials("安心"), "ax");
    }

    #[test]
    fn full_pinyin_and_the_search_key() {
        assert_eq!(full("黄思琪"), "huangsiqi");
        assert_eq!(full("欧阳娜娜"), "ouyangnana");
        assert_eq!(search_key("张小明"), "zxm|zhangxiaoming");
        assert_eq!(search_key("李2号"), "l2h|li2hao");
    }

    #[test]
    fn digits_and_latin_are_kept_lower_cased() {
        assert_eq!(initials("李2号"), "l2h");
        assert_eq!(initials("Anna王"), "annaw");
        assert_eq!(initials("ANNA"), "anna");
        assert_eq!(initials("007"), "007");
    }

    #[test]
    fn other_characters_are_dropped() {
        assert_eq!(initials(""), "");
        assert_eq!(initials("   "), "");
        assert_eq!(initials("张 小-明。"), "zxm");
        assert_eq!(initials("阿依古丽·买买提"), "ayglmmt");
        assert_eq!(initials("!?@#"), "");
        assert_eq!(initials("😀王"), "w");
        // Non-ASCII Latin letters are not kept.
        assert_eq!(initials("Zoë"), "zo");
    }

    #[test]
    fn full_width_letters_and_digits_count_as_ascii() {
        assert_eq!(initials("Ａｎｎａ王１"), "annaw1");
        assert_eq!(initials("张　小明"), "zxm"); // ideographic space dropped
        assert_eq!(initials("（王）"), "w");
    }

    #[test]
    fn output_is_lower_case_ascii() {
        for name in ["张小明", "Anna王", "ＡＢＣ", "欧阳娜娜", "李2号"] {
            let i = initials(name);
            assert!(
                i.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()),
                "{name} -> {i}"
            );
        }
    }

    #[test]
    fn matches_prefix_and_infix() {
        assert!(matches("zxm", "z"));
        assert!(matches("zxm", "zx"));
        assert!(matches("zxm", "zxm"));
        assert!(matches("zxm", "xm"));
        assert!(matches("zxm", "m"));
        assert!(!matches("zxm", "zm"));
        assert!(!matches("zxm", "zxmm"));
        assert!(!matches("zxm", "a"));
    }

    #[test]
    fn matches_normalises_the_query() {
        assert!(matches("zxm", "ZX"));
        assert!(matches("zxm", " z x "));
        assert!(matches("zxm", "张小"));
        assert!(matches("zxm", "Ｚｘ"));
        assert!(matches("l2h", "2H"));
        assert!(!matches("zxm", "王"));
    }

    #[test]
    fn matches_tolerates_upper_case_initials() {
        assert!(matches("ZXM", "zx"));
    }

    #[test]
    fn empty_query_matches_everything() {
        assert!(matches("zxm", ""));
        assert!(matches("zxm", "   "));
        assert!(matches("", ""));
        assert!(!matches("", "a"));
    }
}
