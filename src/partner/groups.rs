//! Effective-dated groups of partners: NATO, major non-NATO allies, and the AECA 36(b)
//! group that gets higher notification thresholds and shorter review periods.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::CountryCode;

/// A group of partners whose membership changes over time.
///
/// Membership is one table, [`Group::memberships`], each row with its dates and source.
/// A partner is a member on `date` when `from <= date` and, if the row has an end, `date <
/// to` (the end is the first day it is no longer a member).
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::{CountryCode, Group};
/// let finland: CountryCode = "FIN".parse()?;
/// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
/// assert!(!Group::Nato.is_member(finland, day(2023, 4, 3)?));
/// assert!(Group::Nato.is_member(finland, day(2023, 4, 4)?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Group {
    /// Members of the North Atlantic Treaty Organization, from the date each deposited its
    /// instrument of accession (founders: the treaty's entry into force, 1949-08-24).
    Nato,
    /// Major non-NATO allies designated under 10 U.S.C. 2350a and 22 U.S.C. 2321k.
    MajorNonNatoAlly,
    /// The destinations that AECA section 36(b) (22 U.S.C. 2776(b)) gives higher thresholds
    /// and a 15-day review: NATO members while members, plus Japan, Australia, the Republic
    /// of Korea, Israel and New Zealand from the date each was added.
    Aeca36bFavored,
}

impl fmt::Display for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Group::Nato => "NATO",
            Group::MajorNonNatoAlly => "major non-NATO ally",
            Group::Aeca36bFavored => "AECA 36(b) favored group",
        })
    }
}

/// One row of the membership table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Membership {
    /// The group.
    pub group: Group,
    /// The member.
    pub country: CountryCode,
    /// The first day of membership.
    pub from: NaiveDate,
    /// The first day it is no longer a member, if it left.
    pub to: Option<NaiveDate>,
    /// Where the dates come from; "unconfirmed" marks a date taken from memory.
    pub source: &'static str,
}

type Ymd = (i32, u32, u32);

const NATO_TREATY: &str = "North Atlantic Treaty, in force 1949-08-24";
const NATO_ACCESSION: &str =
    "NATO member countries page: date of deposit of the instrument of accession";
const AECA_1981: &str = "P.L. 97-113 sec. 101 (1981-12-29) rewrote AECA 36(b) thresholds; the date the favored group began is unconfirmed (DOMAIN.md 2.5)";

/// (group, alpha-3, from, to, source)
static TABLE: &[(Group, &str, Ymd, Option<Ymd>, &str)] = &[
    (Group::Nato, "BEL", (1949, 8, 24), None, NATO_TREATY),
    (Group::Nato, "CAN", (1949, 8, 24), None, NATO_TREATY),
    (Group::Nato, "DNK", (1949, 8, 24), None, NATO_TREATY),
    (Group::Nato, "FRA", (1949, 8, 24), None, NATO_TREATY),
    (Group::Nato, "ISL", (1949, 8, 24), None, NATO_TREATY),
    (Group::Nato, "ITA", (1949, 8, 24), None, NATO_TREATY),
    (Group::Nato, "LUX", (1949, 8, 24), None, NATO_TREATY),
    (Group::Nato, "NLD", (1949, 8, 24), None, NATO_TREATY),
    (Group::Nato, "NOR", (1949, 8, 24), None, NATO_TREATY),
    (Group::Nato, "PRT", (1949, 8, 24), None, NATO_TREATY),
    (Group::Nato, "GBR", (1949, 8, 24), None, NATO_TREATY),
    (Group::Nato, "USA", (1949, 8, 24), None, NATO_TREATY),
    (Group::Nato, "GRC", (1952, 2, 18), None, NATO_ACCESSION),
    (Group::Nato, "TUR", (1952, 2, 18), None, NATO_ACCESSION),
    (
        Group::Nato,
        "DEU",
        (1955, 5, 6),
        None,
        "NATO accession of the Federal Republic of Germany, continued by united Germany",
    ),
    (Group::Nato, "ESP", (1982, 5, 30), None, NATO_ACCESSION),
    (Group::Nato, "CZE", (1999, 3, 12), None, NATO_ACCESSION),
    (Group::Nato, "HUN", (1999, 3, 12), None, NATO_ACCESSION),
    (Group::Nato, "POL", (1999, 3, 12), None, NATO_ACCESSION),
    (Group::Nato, "BGR", (2004, 3, 29), None, NATO_ACCESSION),
    (Group::Nato, "EST", (2004, 3, 29), None, NATO_ACCESSION),
    (Group::Nato, "LVA", (2004, 3, 29), None, NATO_ACCESSION),
    (Group::Nato, "LTU", (2004, 3, 29), None, NATO_ACCESSION),
    (Group::Nato, "ROU", (2004, 3, 29), None, NATO_ACCESSION),
    (Group::Nato, "SVK", (2004, 3, 29), None, NATO_ACCESSION),
    (Group::Nato, "SVN", (2004, 3, 29), None, NATO_ACCESSION),
    (Group::Nato, "ALB", (2009, 4, 1), None, NATO_ACCESSION),
    (Group::Nato, "HRV", (2009, 4, 1), None, NATO_ACCESSION),
    (Group::Nato, "MNE", (2017, 6, 5), None, NATO_ACCESSION),
    (Group::Nato, "MKD", (2020, 3, 27), None, NATO_ACCESSION),
    (Group::Nato, "FIN", (2023, 4, 4), None, NATO_ACCESSION),
    (Group::Nato, "SWE", (2024, 3, 7), None, NATO_ACCESSION),
    // Major non-NATO allies. The first five were named under 10 U.S.C. 2350a (1987, first
    // designations 1989); 22 U.S.C. 2321k (1996) added Jordan and New Zealand.
    (
        Group::MajorNonNatoAlly,
        "AUS",
        (1989, 1, 1),
        None,
        "10 U.S.C. 2350a designation, 1989 (day unconfirmed)",
    ),
    (
        Group::MajorNonNatoAlly,
        "EGY",
        (1989, 1, 1),
        None,
        "10 U.S.C. 2350a designation, 1989 (day unconfirmed)",
    ),
    (
        Group::MajorNonNatoAlly,
        "ISR",
        (1989, 1, 1),
        None,
        "10 U.S.C. 2350a designation, 1989 (day unconfirmed)",
    ),
    (
        Group::MajorNonNatoAlly,
        "JPN",
        (1989, 1, 1),
        None,
        "10 U.S.C. 2350a designation, 1989 (day unconfirmed)",
    ),
    (
        Group::MajorNonNatoAlly,
        "KOR",
        (1989, 1, 1),
        None,
        "10 U.S.C. 2350a designation, 1989 (day unconfirmed)",
    ),
    (
        Group::MajorNonNatoAlly,
        "JOR",
        (1996, 11, 13),
        None,
        "designation 1996-11-13 (unconfirmed)",
    ),
    (
        Group::MajorNonNatoAlly,
        "NZL",
        (1997, 1, 1),
        None,
        "designation 1997 (day unconfirmed)",
    ),
    (
        Group::MajorNonNatoAlly,
        "ARG",
        (1998, 1, 6),
        None,
        "designation January 1998 (day unconfirmed)",
    ),
    (
        Group::MajorNonNatoAlly,
        "BHR",
        (2002, 3, 14),
        None,
        "designation March 2002 (day unconfirmed)",
    ),
    (
        Group::MajorNonNatoAlly,
        "TWN",
        (2003, 8, 29),
        None,
        "treated as designated: P.L. 107-228 sec. 1206; letter to Congress 2003-08-29",
    ),
    (
        Group::MajorNonNatoAlly,
        "PHL",
        (2003, 10, 6),
        None,
        "designation October 2003 (day unconfirmed)",
    ),
    (
        Group::MajorNonNatoAlly,
        "THA",
        (2003, 12, 30),
        None,
        "designation December 2003 (day unconfirmed)",
    ),
    (
        Group::MajorNonNatoAlly,
        "KWT",
        (2004, 4, 1),
        None,
        "designation April 2004 (day unconfirmed)",
    ),
    (
        Group::MajorNonNatoAlly,
        "MAR",
        (2004, 6, 3),
        None,
        "designation June 2004 (day unconfirmed)",
    ),
    (
        Group::MajorNonNatoAlly,
        "PAK",
        (2004, 6, 16),
        None,
        "designation June 2004 (day unconfirmed)",
    ),
    (
        Group::MajorNonNatoAlly,
        "AFG",
        (2012, 7, 7),
        Some((2022, 7, 15)),
        "designated 2012-07-07; rescinded July 2022 (day unconfirmed)",
    ),
    (
        Group::MajorNonNatoAlly,
        "TUN",
        (2015, 7, 10),
        None,
        "designation 2015-07-10 (unconfirmed)",
    ),
    (
        Group::MajorNonNatoAlly,
        "BRA",
        (2019, 7, 31),
        None,
        "designation 2019-07-31 (unconfirmed)",
    ),
    (
        Group::MajorNonNatoAlly,
        "QAT",
        (2022, 3, 10),
        None,
        "designation March 2022 (day unconfirmed)",
    ),
    (
        Group::MajorNonNatoAlly,
        "COL",
        (2022, 5, 23),
        None,
        "designation May 2022 (day unconfirmed)",
    ),
    (
        Group::MajorNonNatoAlly,
        "KEN",
        (2024, 6, 24),
        None,
        "designation June 2024 (day unconfirmed)",
    ),
    // The AECA 36(b) favored group beyond NATO members (NATO members are added by rule).
    (
        Group::Aeca36bFavored,
        "JPN",
        (1981, 12, 29),
        None,
        AECA_1981,
    ),
    (
        Group::Aeca36bFavored,
        "AUS",
        (1981, 12, 29),
        None,
        AECA_1981,
    ),
    (
        Group::Aeca36bFavored,
        "NZL",
        (1981, 12, 29),
        None,
        AECA_1981,
    ),
    (
        Group::Aeca36bFavored,
        "KOR",
        (2008, 10, 15),
        None,
        "P.L. 110-429 sec. 203 (2008-10-15), partly confirmed (DOMAIN.md 2.5)",
    ),
    (
        Group::Aeca36bFavored,
        "ISR",
        (2010, 10, 8),
        None,
        "P.L. 111-266 sec. 301 (2010-10-08), partly confirmed (DOMAIN.md 2.5)",
    ),
];

/// The day from which NATO members count in the 36(b) favored group.
const AECA_FAVORED_FROM: Ymd = (1981, 12, 29);

fn date((y, m, d): Ymd) -> NaiveDate {
    // OK because every table date is a valid calendar date (checked by a unit test).
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

impl Group {
    /// Every row of the membership table for this group, in table order. For
    /// [`Group::Aeca36bFavored`] the NATO rows are included, starting no earlier than the
    /// day the favored group began.
    pub fn memberships(self) -> impl Iterator<Item = Membership> {
        TABLE
            .iter()
            .filter_map(move |&(group, code, from, to, source)| {
                let country = code.parse().ok()?;
                match (self, group) {
                    (Group::Aeca36bFavored, Group::Nato) => Some(Membership {
                        group: self,
                        country,
                        from: date(from).max(date(AECA_FAVORED_FROM)),
                        to: to.map(date),
                        source,
                    }),
                    _ if group == self => Some(Membership {
                        group,
                        country,
                        from: date(from),
                        to: to.map(date),
                        source,
                    }),
                    _ => None,
                }
            })
    }

    /// `true` if `country` is a member on `date`.
    #[must_use]
    pub fn is_member(self, country: CountryCode, date: NaiveDate) -> bool {
        self.memberships()
            .any(|m| m.country == country && m.from <= date && m.to.is_none_or(|to| date < to))
    }

    /// Every member on `date`, sorted.
    #[must_use]
    pub fn members_on(self, date: NaiveDate) -> Vec<CountryCode> {
        let mut members: Vec<_> = CountryCode::all()
            .filter(|&c| self.is_member(c, date))
            .collect();
        members.dedup();
        members
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> CountryCode {
        s.parse().unwrap()
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn every_row_is_valid() {
        for &(_, code, from, to, source) in TABLE {
            assert!(code.parse::<CountryCode>().is_ok(), "{code}");
            assert!(
                NaiveDate::from_ymd_opt(from.0, from.1, from.2).is_some(),
                "{code}"
            );
            if let Some(to) = to {
                assert!(date(to) > date(from), "{code}");
            }
            assert!(!source.is_empty());
        }
    }

    #[test]
    fn nato_membership_the_day_before_of_and_after_each_accession() {
        let rows: Vec<_> = Group::Nato.memberships().collect();
        assert_eq!(rows.len(), 32);
        for m in rows {
            let before = m.from.pred_opt().unwrap();
            let after = m.from.succ_opt().unwrap();
            assert!(!Group::Nato.is_member(m.country, before), "{}", m.country);
            assert!(Group::Nato.is_member(m.country, m.from), "{}", m.country);
            assert!(Group::Nato.is_member(m.country, after), "{}", m.country);
        }
        assert!(Group::Nato.is_member(c("SWE"), d(2024, 3, 7)));
        assert!(!Group::Nato.is_member(c("SWE"), d(2024, 3, 6)));
        assert_eq!(Group::Nato.members_on(d(2024, 3, 7)).len(), 32);
        assert_eq!(Group::Nato.members_on(d(2008, 1, 1)).len(), 26);
    }

    #[test]
    fn major_non_nato_allies() {
        assert!(Group::MajorNonNatoAlly.is_member(c("JOR"), d(2008, 1, 1)));
        assert!(Group::MajorNonNatoAlly.is_member(c("AFG"), d(2012, 7, 7)));
        assert!(!Group::MajorNonNatoAlly.is_member(c("AFG"), d(2012, 7, 6)));
        assert!(Group::MajorNonNatoAlly.is_member(c("AFG"), d(2022, 7, 14)));
        assert!(!Group::MajorNonNatoAlly.is_member(c("AFG"), d(2022, 7, 15)));
        assert!(!Group::MajorNonNatoAlly.is_member(c("GBR"), d(2020, 1, 1)));
    }

    #[test]
    fn the_aeca_36b_group() {
        let g = Group::Aeca36bFavored;
        assert!(!g.is_member(c("KOR"), d(2008, 10, 14)));
        assert!(g.is_member(c("KOR"), d(2008, 10, 15)));
        assert!(!g.is_member(c("ISR"), d(2010, 10, 7)));
        assert!(g.is_member(c("ISR"), d(2010, 10, 8)));
        assert!(g.is_member(c("GBR"), d(2008, 1, 1)));
        assert!(g.is_member(c("JPN"), d(2008, 1, 1)));
        assert!(!g.is_member(c("POL"), d(1999, 3, 11)));
        assert!(g.is_member(c("POL"), d(1999, 3, 12)));
        assert!(!g.is_member(c("BRA"), d(2020, 1, 1)));
        assert!(!g.is_member(c("IND"), d(2020, 1, 1)));
    }
}
