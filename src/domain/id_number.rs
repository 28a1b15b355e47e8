//! Mainland China resident ID numbers (居民身份证号码, GB 11643-1999).
//!
//! An 18-character number: a 6-digit region code, the birth date as
//! `YYYYMMDD`, a 3-digit sequence code whose last digit gives the gender
//! (odd: male, even: female), and a check digit (`0`–`9` or `X`) computed
//! with ISO 7064 MOD 11-2. The old 15-digit numbers are not accepted.

use chrono::{Datelike, NaiveDate, Utc};
use std::fmt;

/// Weights of the first 17 digits for the check digit (2^(18-i) mod 11).
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// The check character for each value of the weighted sum mod 11.
const CHECK_CHARS: &[u8; 11] = b"10X98765432";
/// Earliest birth year accepted.
const MIN_YEAR: i32 = 1900;

/// Why a string is not a valid ID number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdNumberError {
    /// Nothing but whitespace.
    Empty,
    /// Not 18 characters (this includes the old 15-digit numbers).
    Length,
    /// Not 17 digits followed by a digit or `X`.
    Characters,
    /// Positions 7–14 are not a real date from 1900 up to today.
    BirthDate,
    /// The last character does not match the check digit of the first 17.
    CheckDigit,
}

impl IdNumberError {
    /// The message catalog key for this error.
    pub fn key(self) -> &'static str {
        match self {
            IdNumberError::Empty => "child.error.id_empty",
            IdNumberError::Length => "child.error.id_length",
            IdNumberError::Characters => "child.error.id_characters",
            IdNumberError::BirthDate => "child.error.id_birth_date",
            IdNumberError::CheckDigit => "child.error.id_check_digit",
        }
    }
}

impl fmt::Display for IdNumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            IdNumberError::Empty => "ID number is empty",
            IdNumberError::Length => "ID number must be 18 characters",
            IdNumberError::Characters => "ID number must be 17 digits followed by a digit or X",
            IdNumberError::BirthDate => "ID number does not contain a valid birth date",
            IdNumberError::CheckDigit => "ID number check digit does not match",
        };
        f.write_str(text)
    }
}

impl std::error::Error for IdNumberError {}

/// The gender encoded in an ID number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdGender {
    Male,
    Female,
}

/// A validated, normalised ID number: 18 ASCII characters, upper-case `X`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdNumber(String);

impl IdNumber {
    /// Parses and validates an ID number, with "today" taken in China
    /// Standard Time (UTC+8) for the not-in-the-future check.
    pub fn parse(input: &str) -> Result<IdNumber, IdNumberError> {
        IdNumber::parse_as_of(input, today_in_china())
    }

    /// Like [`IdNumber::parse`], but with an explicit "today": birth dates
    /// after `today` are rejected.
    pub fn parse_as_of(input: &str, today: NaiveDate) -> Result<IdNumber, IdNumberError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(IdNumberError::Empty);
        }
        if trimmed.chars().count() != 18 {
            return Err(IdNumberError::Length);
        }
        let normalised = trimmed.to_ascii_uppercase();
        let bytes = normalised.as_bytes();
        // 18 chars but not 18 bytes means a non-ASCII character.
        if bytes.len() != 18
            || !bytes[..17].iter().all(u8::is_ascii_digit)
            || !(bytes[17].is_ascii_digit() || bytes[17] == b'X')
        {
            return Err(IdNumberError::Characters);
        }
        let birth = birth_date_of(bytes).ok_or(IdNumberError::BirthDate)?;
        if birth.year() < MIN_YEAR || birth > today {
            return Err(IdNumberError::BirthDate);
        }
        if check_char(bytes[..17].try_into().expect("17 bytes")) != bytes[17] {
            return Err(IdNumberError::CheckDigit);
        }
        Ok(IdNumber(normalised))
    }

    /// The birth date (positions 7–14).
    pub fn birth_date(&self) -> NaiveDate {
        birth_date_of(self.0.as_bytes()).expect("validated at parse")
    }

    /// The gender: the 17th character is odd for men, even for women.
    pub fn gender(&self) -> IdGender {
        if (self.0.as_bytes()[16] - b'0') % 2 == 1 {
            IdGender::Male
        } else {
            IdGender::Female
        }
    }

    /// The first 6 and last 4 characters, with 8 asterisks between them:
    /// `110101********1234`.
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.0[..6], &self.0[14..])
    }

    /// The normalised number.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Shows only the masked form, so a full ID number never reaches a log.
impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

impl IdNumber {
    /// A valid number from its first 17 digits (region, birth date, sequence): for demo data
    /// and tests.
    pub fn with_check_digit(first17: &str) -> Option<IdNumber> {
        let digits: [u8; 17] = first17.as_bytes().try_into().ok()?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let mut number = first17.to_string();
        number.push(check_char(&digits) as char);
        IdNumber::parse(&number).ok()
    }
}

/// The check character (`b'0'`–`b'9'` or `b'X'`) for 17 ASCII digits.
fn check_char(digits: &[u8; 17]) -> u8 {
    let sum: u32 = digits
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    CHECK_CHARS[(sum % 11) as usize]
}

/// The date at positions 7–14 of an ASCII-digit number, if it is a real date.
fn birth_date_of(bytes: &[u8]) -> Option<NaiveDate> {
    let field = |range: std::ops::Range<usize>| {
        bytes[range]
            .iter()
            .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'))
    };
    let year = i32::try_from(field(6..10)).ok()?;
    NaiveDate::from_ymd_opt(year, field(10..12), field(12..14))
}

fn today_in_china() -> NaiveDate {
    let cst = crate::domain::semester::china_offset();
    Utc::now().with_timezone(&cst).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Appends the right check character to a 17-digit prefix.
    fn with_check(prefix: &str) -> String {
        let digits: &[u8; 17] = prefix.as_bytes().try_into().expect("17 digits");
        assert!(digits.iter().all(u8::is_ascii_digit));
        format!("{prefix}{}", check_char(digits) as char)
    }

    /// Replaces the check character with a wrong one.
    fn with_wrong_check(prefix: &str) -> String {
        let good = with_check(prefix);
        let last = good.as_bytes()[17];
        let wrong = if last == b'0' { '1' } else { '0' };
        format!("{prefix}{wrong}")
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// The fixed "today" of these tests.
    fn today() -> NaiveDate {
        date(2024, 6, 15)
    }

    fn parse(s: &str) -> Result<IdNumber, IdNumberError> {
        IdNumber::parse_as_of(s, today())
    }

    #[test]
    fn check_char_matches_known_numbers() {
        // Independently published examples of valid numbers.
        assert_eq!(check_char(b"11010519491231002"), b'X');
        assert_eq!(check_char(b"44052418800101001"), b'4');
        // Sum 0 mod 11 gives '1'; sum 2 mod 11 gives 'X'.
        assert_eq!(check_char(b"00000000000000000"), b'1');
        assert_eq!(check_char(b"00000000000000001"), b'X'); // 1*2 = 2
        assert_eq!(check_char(b"10000000000000000"), b'5'); // 1*7 = 7
    }

    #[test]
    fn known_valid_numbers_parse() {
        let id = IdNumber::parse("11010519491231002X").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.birth_date(), date(1949, 12, 31));
        assert_eq!(id.gender(), IdGender::Female); // 17th char '2'

        let err = IdNumber::parse("440524188001010014").unwrap_err();
        // 1880 is before 1900: valid check digit, rejected birth year.
        assert_eq!(err, IdNumberError::BirthDate);
    }

    #[test]
    fn known_valid_1880_number_has_a_correct_check_digit() {
        // 440524188001010014 is a classic valid example; only the year
        // rule rejects it. Moving the year into range shows the checksum
        // itself is right.
        assert_eq!(with_check("44052418800101001"), "440524188001010014");
        let id = parse(&with_check("44052419800101001")).unwrap();
        assert_eq!(id.birth_date(), date(1980, 1, 1));
        assert_eq!(id.gender(), IdGender::Male); // 17th char '1'
    }

    #[test]
    fn normalises_whitespace_and_lower_case_x() {
        let id = parse("  11010519491231002x\n").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id, parse("11010519491231002X").unwrap());
    }

    #[test]
    fn empty_input() {
        assert_eq!(parse(""), Err(IdNumberError::Empty));
        assert_eq!(parse("   \t\n"), Err(IdNumberError::Empty));
    }

    #[test]
    fn wrong_lengths() {
        let good = with_check("11010520100101001");
        assert_eq!(parse(&good[..17]), Err(IdNumberError::Length));
        assert_eq!(parse(&format!("{good}1")), Err(IdNumberError::Length));
        assert_eq!(parse("1"), Err(IdNumberError::Length));
        // An old 15-digit number (no century, no check digit).
        assert_eq!(parse("110105491231002"), Err(IdNumberError::Length));
        // Inner whitespace is not trimmed away.
        assert_eq!(parse("110105 19491231002X"), Err(IdNumberError::Length));
    }

    #[test]
    fn bad_characters() {
        assert_eq!(parse("11010519491231002Y"), Err(IdNumberError::Characters));
        assert_eq!(parse("1101051949123100X2"), Err(IdNumberError::Characters));
        assert_eq!(parse("X10105194912310021"), Err(IdNumberError::Characters));
        assert_eq!(parse("11010519491231-02X"), Err(IdNumberError::Characters));
        // 18 characters, but not ASCII: full-width digit, Chinese character.
        assert_eq!(parse("11010519491231002１"), Err(IdNumberError::Characters));
        assert_eq!(parse("11010519491231002号"), Err(IdNumberError::Characters));
        // Signs are not digits.
        assert_eq!(parse("+1010519491231002X"), Err(IdNumberError::Characters));
    }

    #[test]
    fn birth_date_must_be_a_real_date() {
        for prefix in [
            "11010520230229001", // 2023 is not a leap year
            "11010519000229001", // 1900 is not a leap year
            "11010520101301001", // month 13
            "11010520100001001", // month 0
            "11010520100100001", // day 0
            "11010520100431001", // 31 April
            "11010520100132001", // day 32
        ] {
            assert_eq!(
                parse(&with_check(prefix)),
                Err(IdNumberError::BirthDate),
                "{prefix}"
            );
        }
        // Leap days that exist.
        assert_eq!(
            parse(&with_check("11010520000229001"))
                .unwrap()
                .birth_date(),
            date(2000, 2, 29)
        );
        assert_eq!(
            parse(&with_check("11010520200229002"))
                .unwrap()
                .birth_date(),
            date(2020, 2, 29)
        );
    }

    #[test]
    fn birth_year_from_1900() {
        assert_eq!(
            parse(&with_check("11010518991231001")),
            Err(IdNumberError::BirthDate)
        );
        assert_eq!(
            parse(&with_check("11010500000101001")),
            Err(IdNumberError::BirthDate)
        );
        assert_eq!(
            parse(&with_check("11010519000101001"))
                .unwrap()
                .birth_date(),
            date(1900, 1, 1)
        );
    }

    #[test]
    fn birth_date_not_in_the_future() {
        // today() is 2024-06-15.
        assert_eq!(
            parse(&with_check("11010520240615001"))
                .unwrap()
                .birth_date(),
            today()
        );
        assert_eq!(
            parse(&with_check("11010520240616001")),
            Err(IdNumberError::BirthDate)
        );
        assert_eq!(
            parse(&with_check("11010529991231001")),
            Err(IdNumberError::BirthDate)
        );
        // With the real clock, a date far in the future is rejected too.
        assert_eq!(
            IdNumber::parse(&with_check("11010599991231001")),
            Err(IdNumberError::BirthDate)
        );
    }

    #[test]
    fn wrong_check_digit() {
        assert_eq!(parse("110105194912310021"), Err(IdNumberError::CheckDigit));
        assert_eq!(parse("440524198001010015"), Err(IdNumberError::CheckDigit));
        for prefix in [
            "11010520100101001",
            "44052419800101001",
            "32010619991231123",
        ] {
            assert_eq!(
                parse(&with_wrong_check(prefix)),
                Err(IdNumberError::CheckDigit)
            );
            assert!(parse(&with_check(prefix)).is_ok(), "{prefix}");
        }
    }

    #[test]
    fn every_single_digit_change_is_caught() {
        let good = with_check("32010620120304056");
        assert!(parse(&good).is_ok());
        for pos in 0..17 {
            // Leave the date digits alone so the error is about the checksum.
            if (6..14).contains(&pos) {
                continue;
            }
            let mut bytes = good.clone().into_bytes();
            bytes[pos] = if bytes[pos] == b'9' {
                b'0'
            } else {
                bytes[pos] + 1
            };
            let changed = String::from_utf8(bytes).unwrap();
            assert_eq!(
                parse(&changed),
                Err(IdNumberError::CheckDigit),
                "position {pos}"
            );
        }
    }

    #[test]
    fn error_order_length_before_characters_before_date_before_check() {
        // Wrong length and wrong characters: length wins.
        assert_eq!(parse("abc"), Err(IdNumberError::Length));
        // Wrong characters and impossible date: characters win.
        assert_eq!(parse("1101052010139900AX"), Err(IdNumberError::Characters));
        // Impossible date and wrong check digit: date wins.
        assert_eq!(
            parse(&with_wrong_check("11010520101399001")),
            Err(IdNumberError::BirthDate)
        );
    }

    #[test]
    fn gender_from_17th_character() {
        for (d, expected) in [
            ('0', IdGender::Female),
            ('1', IdGender::Male),
            ('2', IdGender::Female),
            ('3', IdGender::Male),
            ('4', IdGender::Female),
            ('5', IdGender::Male),
            ('6', IdGender::Female),
            ('7', IdGender::Male),
            ('8', IdGender::Female),
            ('9', IdGender::Male),
        ] {
            let id = parse(&with_check(&format!("3201062012030405{d}"))).unwrap();
            assert_eq!(id.gender(), expected, "digit {d}");
        }
    }

    #[test]
    fn masked_keeps_first_six_and_last_four() {
        let id = parse("11010519491231002X").unwrap();
        assert_eq!(id.masked(), "110105********002X");
        let id = parse(&with_check("44052419800101001")).unwrap();
        assert_eq!(id.masked(), "440524********0013");
        assert_eq!(id.masked().chars().count(), 18);
    }

    #[test]
    fn debug_does_not_show_the_full_number() {
        let id = parse("11010519491231002X").unwrap();
        let debug = format!("{id:?}");
        assert_eq!(debug, "IdNumber(110105********002X)");
        assert!(!debug.contains("19491231"));
    }

    #[test]
    fn error_keys_are_distinct_catalog_keys() {
        let all = [
            IdNumberError::Empty,
            IdNumberError::Length,
            IdNumberError::Characters,
            IdNumberError::BirthDate,
            IdNumberError::CheckDigit,
        ];
        let keys: Vec<_> = all.iter().map(|e| e.key()).collect();
        assert_eq!(
            keys,
            [
                "child.error.id_empty",
                "child.error.id_length",
                "child.error.id_characters",
                "child.error.id_birth_date",
                "child.error.id_check_digit",
            ]
        );
        for e in all {
            assert!(!e.to_string().is_empty());
        }
    }
}
