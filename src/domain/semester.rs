//! School semesters and calendar quarters.
//!
//! Spring runs 1 Feb – 31 Jul, autumn 1 Aug – 31 Jan of the next year (DESIGN.md). The five
//! duties and re-verification are counted per semester; reports per calendar quarter.

use chrono::{Datelike, NaiveDate};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Term {
    Spring,
    Autumn,
}

/// A semester, named by the calendar year it starts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Semester {
    pub year: i32,
    pub term: Term,
}

impl Semester {
    /// The semester a date falls in.
    pub fn containing(date: NaiveDate) -> Semester {
        match date.month() {
            1 => Semester {
                year: date.year() - 1,
                term: Term::Autumn,
            },
            2..=7 => Semester {
                year: date.year(),
                term: Term::Spring,
            },
            _ => Semester {
                year: date.year(),
                term: Term::Autumn,
            },
        }
    }

    pub fn start(self) -> NaiveDate {
        match self.term {
            Term::Spring => NaiveDate::from_ymd_opt(self.year, 2, 1),
            Term::Autumn => NaiveDate::from_ymd_opt(self.year, 8, 1),
        }
        .expect("valid date")
    }

    /// The last day of the semester (inclusive).
    pub fn end(self) -> NaiveDate {
        match self.term {
            Term::Spring => NaiveDate::from_ymd_opt(self.year, 7, 31),
            Term::Autumn => NaiveDate::from_ymd_opt(self.year + 1, 1, 31),
        }
        .expect("valid date")
    }

    pub fn contains(self, date: NaiveDate) -> bool {
        self.start() <= date && date <= self.end()
    }

    pub fn previous(self) -> Semester {
        match self.term {
            Term::Spring => Semester {
                year: self.year - 1,
                term: Term::Autumn,
            },
            Term::Autumn => Semester {
                year: self.year,
                term: Term::Spring,
            },
        }
    }

    pub fn next(self) -> Semester {
        match self.term {
            Term::Spring => Semester {
                year: self.year,
                term: Term::Autumn,
            },
            Term::Autumn => Semester {
                year: self.year + 1,
                term: Term::Spring,
            },
        }
    }

    /// A stable key for URLs and forms: `2026-spring`, `2026-autumn`.
    pub fn key(self) -> String {
        format!(
            "{}-{}",
            self.year,
            if self.term == Term::Spring {
                "spring"
            } else {
                "autumn"
            }
        )
    }

    /// The semester as people name it: 2026年秋季学期, Autumn 2026.
    pub fn label(self, lang: impl std::borrow::Borrow<crate::i18n::Lang>) -> String {
        match (*lang.borrow(), self.term) {
            (crate::i18n::Lang::En, Term::Spring) => format!("Spring {}", self.year),
            (crate::i18n::Lang::En, Term::Autumn) => format!("Autumn {}", self.year),
            (_, Term::Spring) => format!("{}年春季学期", self.year),
            (_, Term::Autumn) => format!("{}年秋季学期", self.year),
        }
    }

    pub fn parse(key: &str) -> Option<Semester> {
        let (year, term) = key.split_once('-')?;
        let year: i32 = year.parse().ok().filter(|y| (2000..=2100).contains(y))?;
        let term = match term {
            "spring" => Term::Spring,
            "autumn" => Term::Autumn,
            _ => return None,
        };
        Some(Semester { year, term })
    }
}

/// A calendar quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Quarter {
    pub year: i32,
    /// 1..=4
    pub number: u32,
}

impl Quarter {
    pub fn containing(date: NaiveDate) -> Quarter {
        Quarter {
            year: date.year(),
            number: (date.month() - 1) / 3 + 1,
        }
    }

    pub fn start(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, (self.number - 1) * 3 + 1, 1).expect("valid date")
    }

    /// The quarter as people name it: 2026年第三季度, 2026 Q3.
    pub fn label(self, lang: impl std::borrow::Borrow<crate::i18n::Lang>) -> String {
        match *lang.borrow() {
            crate::i18n::Lang::En => format!("{} Q{}", self.year, self.number),
            _ => format!(
                "{}年第{}季度",
                self.year,
                ["一", "二", "三", "四"][(self.number as usize).clamp(1, 4) - 1]
            ),
        }
    }

    /// `2026-Q4` -> the fourth quarter of 2026 (years 2000–2100).
    pub fn parse(period: &str) -> Option<Quarter> {
        let (year, q) = period.split_once("-Q")?;
        let year: i32 = year.parse().ok().filter(|y| (2000..=2100).contains(y))?;
        let number: u32 = q.parse().ok().filter(|n| (1..=4).contains(n))?;
        Some(Quarter { year, number })
    }

    /// The quarter as it stands in paths and files: `2026-Q4`.
    pub fn key(self) -> String {
        format!("{}-Q{}", self.year, self.number)
    }

    /// The quarter a report view starts on: the last finished quarter.
    pub fn last_finished(today: NaiveDate) -> Quarter {
        Quarter::containing(today).previous()
    }

    /// The quarter before this one.
    pub fn previous(self) -> Quarter {
        Quarter::containing(self.start().pred_opt().expect("valid date"))
    }

    pub fn end(self) -> NaiveDate {
        let next = if self.number == 4 {
            Quarter {
                year: self.year + 1,
                number: 1,
            }
        } else {
            Quarter {
                year: self.year,
                number: self.number + 1,
            }
        };
        next.start().pred_opt().expect("valid date")
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn quarters_are_labelled_as_people_name_them() {
        let q = Quarter {
            year: 2026,
            number: 3,
        };
        assert_eq!(q.label(crate::i18n::Lang::Zh), "2026年第三季度");
        assert_eq!(q.label(crate::i18n::Lang::En), "2026 Q3");
        assert_eq!(q.previous().label(crate::i18n::Lang::Zh), "2026年第二季度");
        assert_eq!(
            Quarter {
                year: 2026,
                number: 1
            }
            .previous()
            .label(crate::i18n::Lang::En),
            "2025 Q4"
        );
    }

    #[test]
    fn semesters_are_labelled_as_people_name_them() {
        let autumn = Semester::parse("2026-autumn").unwrap();
        assert_eq!(autumn.label(crate::i18n::Lang::Zh), "2026年秋季学期");
        assert_eq!(autumn.label(crate::i18n::Lang::En), "Autumn 2026");
        assert_eq!(autumn.next().label(crate::i18n::Lang::Zh), "2027年春季学期");
    }

    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn boundaries() {
        assert_eq!(
            Semester::containing(d(2026, 1, 31)),
            Semester {
                year: 2025,
                term: Term::Autumn
            }
        );
        assert_eq!(
            Semester::containing(d(2026, 2, 1)),
            Semester {
                year: 2026,
                term: Term::Spring
            }
        );
        assert_eq!(
            Semester::containing(d(2026, 7, 31)),
            Semester {
                year: 2026,
                term: Term::Spring
            }
        );
        assert_eq!(
            Semester::containing(d(2026, 8, 1)),
            Semester {
                year: 2026,
                term: Term::Autumn
            }
        );
        assert_eq!(
            Semester::containing(d(2026, 12, 31)),
            Semester {
                year: 2026,
                term: Term::Autumn
            }
        );
        let autumn = Semester {
            year: 2025,
            term: Term::Autumn,
        };
        assert_eq!(
            (autumn.start(), autumn.end()),
            (d(2025, 8, 1), d(2026, 1, 31))
        );
        assert!(autumn.contains(d(2026, 1, 31)) && !autumn.contains(d(2026, 2, 1)));
        assert_eq!(
            autumn.next(),
            Semester {
                year: 2026,
                term: Term::Spring
            }
        );
        assert_eq!(autumn.next().previous(), autumn);
        assert_eq!(Semester::parse(&autumn.key()), Some(autumn));
        assert_eq!(Semester::parse("2026-winter"), None);
    }

    #[test]
    fn quarters() {
        assert_eq!(
            Quarter::containing(d(2026, 3, 31)),
            Quarter {
                year: 2026,
                number: 1
            }
        );
        assert_eq!(
            Quarter::containing(d(2026, 4, 1)),
            Quarter {
                year: 2026,
                number: 2
            }
        );
        let q4 = Quarter {
            year: 2026,
            number: 4,
        };
        assert_eq!((q4.start(), q4.end()), (d(2026, 10, 1), d(2026, 12, 31)));
        assert_eq!(
            Quarter {
                year: 2024,
                number: 1
            }
            .end(),
            d(2024, 3, 31)
        );
    }
}

/// China's time zone (UTC+8, no daylight saving).
pub fn china_offset() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(8 * 3600).expect("valid offset")
}

/// Midnight (China time) at the start of a day, as an instant.
pub fn day_start(day: NaiveDate) -> chrono::DateTime<chrono::Utc> {
    day.and_time(chrono::NaiveTime::MIN)
        .and_local_timezone(china_offset())
        .single()
        .expect("fixed offset")
        .with_timezone(&chrono::Utc)
}

/// Today's date in China (UTC+8), which is what "today" means to every user of Shouhu.
pub fn today_in_china() -> NaiveDate {
    chrono::Utc::now()
        .with_timezone(&china_offset())
        .date_naive()
}
