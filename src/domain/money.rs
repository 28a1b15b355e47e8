//! Money as the aid records keep it: whole fen (分), typed and shown as yuan (元).

/// Aid kinds (Postgres enum `aid_kind`); labels `aid.kind.<key>`.
pub const AID_KINDS: [&str; 5] = ["tuition", "school_supplies", "goods", "cash", "other"];

/// Yuan as typed ("12", "12.5", "12.50", "1,200") to fen, exactly; `None` if not money.
pub fn parse_yuan(raw: &str) -> Option<i64> {
    let s: String = raw
        .trim()
        .chars()
        .filter(|c| *c != ',' && *c != '，' && *c != ' ')
        .collect();
    let s = s.strip_prefix('¥').unwrap_or(&s);
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 2
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac: i64 = format!("{frac:0<2}").parse().ok()?;
    let fen = whole.checked_mul(100)?.checked_add(frac)?;
    (fen <= 1_000_000_000).then_some(fen)
}

/// Fen as yuan with two decimals: 123456 -> "1234.56".
pub fn format_yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_to_fen_exactly() {
        assert_eq!(parse_yuan("12"), Some(1200));
        assert_eq!(parse_yuan("12.5"), Some(1250));
        assert_eq!(parse_yuan("0.07"), Some(7));
        assert_eq!(parse_yuan("1,200.00"), Some(120_000));
        assert_eq!(parse_yuan("¥300"), Some(30_000));
        for bad in ["", "abc", "1.234", "-5", "1e3", ".5", "12.", "99999999999"] {
            assert_eq!(
                parse_yuan(bad),
                if bad == "12." { Some(1200) } else { None },
                "{bad}"
            );
        }
        assert_eq!(format_yuan(123_456), "1234.56");
        assert_eq!(format_yuan(7), "0.07");
    }
}
