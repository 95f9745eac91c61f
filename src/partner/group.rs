//! Effective-dated groups of countries: NATO, major non-NATO allies and the AECA 36(b)
//! favored group, all drawn from one membership table.

use std::borrow::Cow;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::country::CountryCode;

/// A date written in the table, checked when the crate is compiled: an impossible date
/// fails the build, never a run.
macro_rules! date {
    ($y:literal, $m:literal, $d:literal) => {
        const {
            match NaiveDate::from_ymd_opt($y, $m, $d) {
                Some(date) => date,
                None => panic!("impossible date in the membership table"),
            }
        }
    };
}

/// A country written in the table by alpha-3, checked when the crate is compiled: a code
/// that is not in the ISO 3166-1 table fails the build.
macro_rules! country {
    ($alpha3:literal) => {
        const {
            match CountryCode::from_alpha3_const($alpha3) {
                Some(code) => code,
                None => panic!("unknown alpha-3 code in the membership table"),
            }
        }
    };
}

/// A group of countries whose membership the law looks at, with membership that changes
/// over time.
///
/// Membership is data: every row of one table ([`Membership::table`]) says that a country
/// belonged to a group from one date until another (or until now), and where that comes
/// from. A row whose date could not be checked against a primary or reliable secondary
/// source says so in its [`source`](Membership::source) and has
/// [`is_confirmed`](Membership::is_confirmed) false.
///
/// # Dates
///
/// A country is a member on day `d` when `from <= d` and either there is no `to` or
/// `d < to`: `from` is the **first day of membership** and `to` is the **first day on which
/// the country is no longer a member**. A designation or revocation by a presidential
/// memorandum takes effect on the memorandum's date; a statute, on its date of enactment;
/// a NATO accession, on the day the instrument of accession was deposited with the
/// United States (the treaty's depositary).
///
/// # The groups
///
/// - [`Group::Nato`]: parties to the North Atlantic Treaty. The twelve founders are
///   members from **1949-08-24**, the day the treaty entered into force (it was signed on
///   1949-04-04; all twelve had ratified by the entry into force). Later members are
///   members from the deposit of their instrument of accession, through Finland
///   (2023-04-04) and Sweden (2024-03-07). France's 1966 withdrawal from the integrated
///   military command (and Greece's, 1974–1980) did not end their membership.
/// - [`Group::MajorNonNatoAlly`]: countries designated under section 517 of the Foreign
///   Assistance Act of 1961 (22 U.S.C. 2321k), from the statute's deemed designations of
///   1996-07-21 through the later presidential designations, with Afghanistan's
///   revocation. Taiwan, which 22 U.S.C. 2321k note (P.L. 107-228 §1206) says is to be
///   "treated as though it were designated", is included from 2002-09-30. Earlier
///   designations under 10 U.S.C. 2350a (1987 onward), which served only cooperative
///   research, are not recorded separately.
/// - [`Group::Aeca36bFavored`]: the countries that section 36(b) of the Arms Export
///   Control Act (22 U.S.C. 2776(b)) gives a shorter congressional review period and
///   higher notification thresholds: every NATO member while it is a member, plus Japan,
///   Australia and New Zealand (added with NATO by P.L. 97-113 of 1981-12-29), the
///   Republic of Korea (P.L. 110-429, 2008-10-15) and Israel (P.L. 111-266, 2010-10-08).
///   NATO members are not repeated in the table: a country is in this group on a day
///   from 1981-12-29 on when it is a NATO member that day. The statute also names the
///   North Atlantic Treaty Organization itself, which is not a country and so is not
///   modelled here.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::{CountryCode, Group};
///
/// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("bad date");
/// let finland: CountryCode = "FIN".parse()?;
/// assert!(!Group::Nato.is_member(finland, day(2023, 4, 3)?));
/// assert!(Group::Nato.is_member(finland, day(2023, 4, 4)?));
///
/// let korea: CountryCode = "KOR".parse()?;
/// assert!(!Group::Aeca36bFavored.is_member(korea, day(2008, 10, 14)?));
/// assert!(Group::Aeca36bFavored.is_member(korea, day(2008, 10, 15)?));
/// assert!(Group::MajorNonNatoAlly.is_member(korea, day(2008, 10, 14)?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Group {
    /// Members of the North Atlantic Treaty Organization.
    Nato,
    /// Major non-NATO allies (22 U.S.C. 2321k).
    MajorNonNatoAlly,
    /// The countries for which AECA section 36(b) (22 U.S.C. 2776(b)) sets the 15-day
    /// review period and the higher thresholds: NATO members, Japan, Australia, the
    /// Republic of Korea, Israel and New Zealand.
    Aeca36bFavored,
}

/// The day P.L. 97-113 (§102) gave NATO and its members, Japan, Australia and New Zealand
/// the shorter AECA review period; NATO members count in [`Group::Aeca36bFavored`] from
/// this day on, while they are members.
const AECA_36B_NATO_FROM: NaiveDate = date!(1981, 12, 29);

impl Group {
    /// Every group.
    pub const ALL: [Group; 3] = [Group::Nato, Group::MajorNonNatoAlly, Group::Aeca36bFavored];

    /// Whether `country` belongs to this group on `date`.
    ///
    /// See [`Group`] for the convention on dates and how each group is made up.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use security_assistance::{CountryCode, Group};
    ///
    /// let afghanistan: CountryCode = "AFG".parse()?;
    /// let in_2015 = NaiveDate::from_ymd_opt(2015, 1, 1).ok_or("bad date")?;
    /// let in_2023 = NaiveDate::from_ymd_opt(2023, 1, 1).ok_or("bad date")?;
    /// assert!(Group::MajorNonNatoAlly.is_member(afghanistan, in_2015));
    /// assert!(!Group::MajorNonNatoAlly.is_member(afghanistan, in_2023));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn is_member(self, country: CountryCode, date: NaiveDate) -> bool {
        self.membership_on(country, date).is_some()
    }

    /// The table row that makes `country` a member of this group on `date`, if any: the
    /// evidence to cite for a decision that depends on membership.
    ///
    /// For [`Group::Aeca36bFavored`], a NATO member's membership rests on its NATO row
    /// (whose [`group`](Membership::group) is [`Group::Nato`]), since the statute takes in
    /// every NATO member; the other members have rows of their own.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use security_assistance::{CountryCode, Group};
    ///
    /// let israel: CountryCode = "ISR".parse()?;
    /// let day = NaiveDate::from_ymd_opt(2012, 5, 1).ok_or("bad date")?;
    /// let row = Group::Aeca36bFavored.membership_on(israel, day).ok_or("not a member")?;
    /// assert_eq!(row.from(), NaiveDate::from_ymd_opt(2010, 10, 8).ok_or("bad date")?);
    /// assert!(row.source().contains("P.L. 111-266"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn membership_on(
        self,
        country: CountryCode,
        date: NaiveDate,
    ) -> Option<&'static Membership> {
        let own = |group: Group| {
            MEMBERSHIPS
                .iter()
                .find(|row| row.group == group && row.country == country && row.covers(date))
        };
        match self {
            Group::Nato | Group::MajorNonNatoAlly => own(self),
            Group::Aeca36bFavored => own(self).or_else(|| {
                if date >= AECA_36B_NATO_FROM {
                    own(Group::Nato)
                } else {
                    None
                }
            }),
        }
    }

    /// The members of this group on `date`, each once, in alphabetical order of alpha-3.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use security_assistance::Group;
    ///
    /// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("bad date");
    /// assert_eq!(Group::Nato.members_on(day(1949, 8, 24)?).count(), 12);
    /// assert_eq!(Group::Nato.members_on(day(2024, 3, 7)?).count(), 32);
    /// let first = Group::Nato.members_on(day(2024, 3, 7)?).next().ok_or("empty")?;
    /// assert_eq!(first.alpha3(), "ALB");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn members_on(self, date: NaiveDate) -> impl Iterator<Item = CountryCode> + Clone {
        CountryCode::all().filter(move |country| self.is_member(*country, date))
    }

    /// The rows of the membership table that belong to this group, in table order.
    ///
    /// For [`Group::Aeca36bFavored`] these are the non-NATO members only; see
    /// [`membership_on`](Group::membership_on).
    ///
    /// # Example
    ///
    /// ```
    /// use security_assistance::Group;
    ///
    /// assert_eq!(Group::Nato.memberships().count(), 32);
    /// assert!(Group::MajorNonNatoAlly.memberships().any(|row| row.to().is_some()));
    /// ```
    pub fn memberships(self) -> impl Iterator<Item = &'static Membership> + Clone {
        MEMBERSHIPS.iter().filter(move |row| row.group == self)
    }

    /// A short name for the group, such as `"major non-NATO ally"` (what
    /// [`Display`](fmt::Display) writes).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Group::Nato => "NATO",
            Group::MajorNonNatoAlly => "major non-NATO ally",
            Group::Aeca36bFavored => "AECA 36(b) favored group",
        }
    }
}

impl fmt::Display for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

/// One row of the membership table: `country` belonged to `group` from `from` until the
/// day before `to` (or until now if there is no `to`), according to `source`.
///
/// Rows are read through [`Group::memberships`], [`Group::membership_on`] or
/// [`Membership::table`]; the crate does not build new ones. They serialize with their
/// source text, for audit trails.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::{Group, Membership};
///
/// let sweden = Group::Nato
///     .memberships()
///     .find(|row| row.country().alpha3() == "SWE")
///     .ok_or("Sweden missing")?;
/// assert_eq!(sweden.from(), NaiveDate::from_ymd_opt(2024, 3, 7).ok_or("bad date")?);
/// assert_eq!(sweden.to(), None);
/// assert!(sweden.is_confirmed());
/// assert!(Membership::table().len() > 50);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Membership {
    group: Group,
    country: CountryCode,
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    from: NaiveDate,
    #[serde(
        default,
        deserialize_with = "crate::fiscal::date_serde::deserialize_option"
    )]
    to: Option<NaiveDate>,
    confirmed: bool,
    source: Cow<'static, str>,
}

impl Membership {
    /// The whole membership table, every group, in a fixed order (by group, then date).
    #[must_use]
    pub fn table() -> &'static [Membership] {
        MEMBERSHIPS
    }

    /// The group this row belongs to.
    #[must_use]
    pub const fn group(&self) -> Group {
        self.group
    }

    /// The member.
    #[must_use]
    pub const fn country(&self) -> CountryCode {
        self.country
    }

    /// The first day of membership.
    #[must_use]
    pub const fn from(&self) -> NaiveDate {
        self.from
    }

    /// The first day on which the country is no longer a member, or `None` if it still
    /// is (as far as the table knows).
    #[must_use]
    pub const fn to(&self) -> Option<NaiveDate> {
        self.to
    }

    /// Whether `date` falls inside this row: `from <= date` and `date < to`.
    ///
    /// # Example
    ///
    /// ```
    /// use security_assistance::Group;
    ///
    /// let row = Group::MajorNonNatoAlly
    ///     .memberships()
    ///     .find(|row| row.country().alpha3() == "AFG")
    ///     .ok_or("Afghanistan missing")?;
    /// let to = row.to().ok_or("no revocation")?;
    /// assert!(row.covers(to.pred_opt().ok_or("bad date")?));
    /// assert!(!row.covers(to));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.from <= date && self.to.is_none_or(|to| date < to)
    }

    /// Where the row's dates come from: the treaty, statute or presidential act, and the
    /// text that was read. Rows that could not be fully checked begin with
    /// `"partly confirmed:"` or `"unconfirmed:"`.
    #[must_use]
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Whether the row's dates were read in the source it names. `false` for rows marked
    /// "partly confirmed" or "unconfirmed" in their [`source`](Membership::source).
    #[must_use]
    pub const fn is_confirmed(&self) -> bool {
        self.confirmed
    }
}

const fn row(
    group: Group,
    country: CountryCode,
    from: NaiveDate,
    to: Option<NaiveDate>,
    confirmed: bool,
    source: &'static str,
) -> Membership {
    Membership {
        group,
        country,
        from,
        to,
        confirmed,
        source: Cow::Borrowed(source),
    }
}

use Group::{Aeca36bFavored as AECA_36B, MajorNonNatoAlly as MNNA, Nato as NATO};

/// The accession rows of NATO's founders: the treaty entered into force for all twelve
/// signatories on 1949-08-24.
const FOUNDERS: &str = "North Atlantic Treaty: signed 1949-04-04, entered into force \
     1949-08-24; all twelve signatories ratified within five months of signature (NATO, \
     \"Member countries\"); France's 1966 withdrawal from the integrated command did not \
     end membership";
const NATO_1952: &str = "Protocol on the accession of Greece and Turkey; members from \
     1952-02-18 (NATO member list by date of accession, read in secondary copies)";
const NATO_1955: &str = "Federal Republic of Germany, member from 1955-05-06; the united \
     Germany from 1990-10-03 (NATO member list by date of accession, secondary copies)";
const NATO_1982: &str = "Spain, member from 1982-05-30 (NATO member list by date of \
     accession, read in secondary copies)";
const NATO_1999: &str = "Czech Republic, Hungary, Poland: instruments of accession \
     deposited at the Truman Library, Independence, Missouri, 1999-03-12 (White House fact \
     sheet of 1999-04-23)";
const NATO_2004: &str = "Bulgaria, Estonia, Latvia, Lithuania, Romania, Slovakia, \
     Slovenia: formally joined 2004-03-29 (NATO, \"Enlargement\", 2008 archive)";
const NATO_2009: &str = "Albania, Croatia: joined 2009-04-01 (NATO, \"Enlargement\")";
const NATO_2017: &str = "Montenegro: instrument of accession deposited with the US State \
     Department on Monday 2017-06-05 (NATO news release of that day)";
const NATO_2020: &str = "North Macedonia: instrument of accession received by the United \
     States as depositary on 2020-03-27, 30th member (Secretary of State's statement)";
const NATO_2023: &str = "Finland: full member 2023-04-04 (NATO, \"Enlargement and Article \
     10\", 2024-03-08)";
const NATO_2024: &str = "Sweden: full member 2024-03-07 (NATO, \"Enlargement and Article \
     10\", 2024-03-08)";

const MNNA_1996: &str = "22 U.S.C. 2321k(b) (FAA §517, added by P.L. 104-164 §147, \
     1996-07-21): Australia, Egypt, Israel, Japan, the Republic of Korea and New Zealand \
     deemed designated as of the section's effective date, 1996-07-21";

const AECA_1981: &str = "partly confirmed: P.L. 97-113 §102 (1981-12-29, 95 Stat. \
     1520-1521), \"Proposed transfers or sales to the North Atlantic Treaty Organization, \
     Japan, Australia, or New Zealand\"; the section heading and its AECA §3(d) amendment \
     were read, the matching §36(b) amendment only in part";

/// The membership table. Ordered by group, then by first day, then by alpha-3.
#[rustfmt::skip]
static MEMBERSHIPS: &[Membership] = &[
    // NATO: the twelve founders.
    row(NATO, country!("BEL"), date!(1949, 8, 24), None, true, FOUNDERS),
    row(NATO, country!("CAN"), date!(1949, 8, 24), None, true, FOUNDERS),
    row(NATO, country!("DNK"), date!(1949, 8, 24), None, true, FOUNDERS),
    row(NATO, country!("FRA"), date!(1949, 8, 24), None, true, FOUNDERS),
    row(NATO, country!("GBR"), date!(1949, 8, 24), None, true, FOUNDERS),
    row(NATO, country!("ISL"), date!(1949, 8, 24), None, true, FOUNDERS),
    row(NATO, country!("ITA"), date!(1949, 8, 24), None, true, FOUNDERS),
    row(NATO, country!("LUX"), date!(1949, 8, 24), None, true, FOUNDERS),
    row(NATO, country!("NLD"), date!(1949, 8, 24), None, true, FOUNDERS),
    row(NATO, country!("NOR"), date!(1949, 8, 24), None, true, FOUNDERS),
    row(NATO, country!("PRT"), date!(1949, 8, 24), None, true, FOUNDERS),
    row(NATO, country!("USA"), date!(1949, 8, 24), None, true, FOUNDERS),
    // NATO: enlargements.
    row(NATO, country!("GRC"), date!(1952, 2, 18), None, true, NATO_1952),
    row(NATO, country!("TUR"), date!(1952, 2, 18), None, true, NATO_1952),
    row(NATO, country!("DEU"), date!(1955, 5, 6), None, true, NATO_1955),
    row(NATO, country!("ESP"), date!(1982, 5, 30), None, true, NATO_1982),
    row(NATO, country!("CZE"), date!(1999, 3, 12), None, true, NATO_1999),
    row(NATO, country!("HUN"), date!(1999, 3, 12), None, true, NATO_1999),
    row(NATO, country!("POL"), date!(1999, 3, 12), None, true, NATO_1999),
    row(NATO, country!("BGR"), date!(2004, 3, 29), None, true, NATO_2004),
    row(NATO, country!("EST"), date!(2004, 3, 29), None, true, NATO_2004),
    row(NATO, country!("LTU"), date!(2004, 3, 29), None, true, NATO_2004),
    row(NATO, country!("LVA"), date!(2004, 3, 29), None, true, NATO_2004),
    row(NATO, country!("ROU"), date!(2004, 3, 29), None, true, NATO_2004),
    row(NATO, country!("SVK"), date!(2004, 3, 29), None, true, NATO_2004),
    row(NATO, country!("SVN"), date!(2004, 3, 29), None, true, NATO_2004),
    row(NATO, country!("ALB"), date!(2009, 4, 1), None, true, NATO_2009),
    row(NATO, country!("HRV"), date!(2009, 4, 1), None, true, NATO_2009),
    row(NATO, country!("MNE"), date!(2017, 6, 5), None, true, NATO_2017),
    row(NATO, country!("MKD"), date!(2020, 3, 27), None, true, NATO_2020),
    row(NATO, country!("FIN"), date!(2023, 4, 4), None, true, NATO_2023),
    row(NATO, country!("SWE"), date!(2024, 3, 7), None, true, NATO_2024),
    // Major non-NATO allies (22 U.S.C. 2321k).
    row(MNNA, country!("AUS"), date!(1996, 7, 21), None, true, MNNA_1996),
    row(MNNA, country!("EGY"), date!(1996, 7, 21), None, true, MNNA_1996),
    row(MNNA, country!("ISR"), date!(1996, 7, 21), None, true, MNNA_1996),
    row(MNNA, country!("JPN"), date!(1996, 7, 21), None, true, MNNA_1996),
    row(MNNA, country!("KOR"), date!(1996, 7, 21), None, true, MNNA_1996),
    row(MNNA, country!("NZL"), date!(1996, 7, 21), None, true, MNNA_1996),
    row(MNNA, country!("JOR"), date!(1996, 11, 12), None, true,
        "Presidential Determination No. 97-4 of 1996-11-12, 61 FR 59809 (22 U.S.C. 2321k note)"),
    row(MNNA, country!("ARG"), date!(1998, 1, 6), None, true,
        "Presidential Determination No. 98-9 of 1998-01-06, 63 FR 3635 (22 U.S.C. 2321k note)"),
    row(MNNA, country!("BHR"), date!(2002, 3, 14), None, true,
        "Presidential Determination No. 2002-10 of 2002-03-14, 67 FR 13247 (22 U.S.C. 2321k \
         note)"),
    row(MNNA, country!("TWN"), date!(2002, 9, 30), None, true,
        "P.L. 107-228 §1206 (Foreign Relations Authorization Act, FY2003, enacted \
         2002-09-30): Taiwan \"treated as though it were designated a major non-NATO ally\""),
    row(MNNA, country!("PHL"), date!(2003, 10, 6), None, true,
        "Presidential Determination No. 2004-02 of 2003-10-06, 68 FR 59855 (22 U.S.C. 2321k \
         note)"),
    row(MNNA, country!("THA"), date!(2003, 12, 30), None, true,
        "Presidential Determination No. 2004-16 of 2003-12-30, 69 FR 2053 (22 U.S.C. 2321k \
         note)"),
    row(MNNA, country!("KWT"), date!(2004, 1, 15), None, false,
        "partly confirmed: presidential memorandum of 2004-01-15 as quoted by World Tribune \
         (2004-01-21); the Pentagon marked the designation on 2004-04-01; Federal Register \
         citation not read"),
    row(MNNA, country!("MAR"), date!(2004, 6, 3), None, false,
        "partly confirmed: designated by President Bush on Thursday 2004-06-03 (AFX, \
         2004-06-04); Federal Register citation not read"),
    row(MNNA, country!("PAK"), date!(2004, 6, 16), None, true,
        "presidential memorandum of 2004-06-16 designating the Islamic Republic of Pakistan \
         (quoted by UPI and Reuters, 2004-06-16)"),
    row(MNNA, country!("AFG"), date!(2012, 7, 6), Some(date!(2022, 9, 23)), false,
        "partly confirmed: designated by presidential memorandum of 2012-07-06 (announced in \
         Kabul 2012-07-07); notice of intent to rescind sent to Congress 2022-07-06; \
         designation terminated by memorandum released Friday 2022-09-23 (press reports \
         of 2022-09-24)"),
    row(MNNA, country!("TUN"), date!(2015, 7, 10), None, true,
        "presidential memorandum of Friday 2015-07-10 (VOA; White House announcement of \
         2015-07-10)"),
    row(MNNA, country!("BRA"), date!(2019, 7, 31), None, true,
        "presidential memorandum of 2019-07-31 designating the Federative Republic of Brazil \
         (AP, 2019-07-31)"),
    row(MNNA, country!("QAT"), date!(2022, 3, 10), None, false,
        "partly confirmed: memorandum \"Designation of the State of Qatar as a Major Non-NATO \
         Ally\", 87 FR 15025 (published 2022-03-17); signing day Thursday 2022-03-10 from \
         press reports"),
    row(MNNA, country!("COL"), date!(2022, 5, 23), None, false,
        "partly confirmed: presidential memorandum signed Monday 2022-05-23 (press reports of \
         2022-05-24); Federal Register citation not read"),
    row(MNNA, country!("KEN"), date!(2024, 6, 24), None, true,
        "presidential memorandum of 2024-06-24 designating Kenya (notice of intent to \
         Congress 2024-05-23)"),
    row(MNNA, country!("SAU"), date!(2025, 11, 18), None, false,
        "unconfirmed: designation announced by the President on 2025-11-18; the Presidential \
         Determination was published as Federal Register document 2026-01421, whose signing \
         date was not read"),
    // AECA 36(b) favored group, besides NATO members (see `AECA_36B_NATO_FROM`).
    row(AECA_36B, country!("AUS"), date!(1981, 12, 29), None, false, AECA_1981),
    row(AECA_36B, country!("JPN"), date!(1981, 12, 29), None, false, AECA_1981),
    row(AECA_36B, country!("NZL"), date!(1981, 12, 29), None, false, AECA_1981),
    row(AECA_36B, country!("KOR"), date!(2008, 10, 15), None, false,
        "partly confirmed: P.L. 110-429 (Naval Vessel Transfer Act of 2008, 2008-10-15) \
         §203 added the Republic of Korea to AECA §36 (22 U.S.C. 2776 source credits)"),
    row(AECA_36B, country!("ISR"), date!(2010, 10, 8), None, false,
        "partly confirmed: P.L. 111-266 (Security Cooperation Act of 2010, 2010-10-08) \
         §301(1) inserted Israel in AECA §36 (22 U.S.C. 2776 source credits)"),
];

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use chrono::Days;
    use std::collections::BTreeSet;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn c(alpha3: &str) -> CountryCode {
        alpha3.parse().unwrap()
    }

    fn members(group: Group, date: NaiveDate) -> Vec<&'static str> {
        group.members_on(date).map(CountryCode::alpha3).collect()
    }

    #[test]
    fn table_is_well_formed() {
        let mut seen = BTreeSet::new();
        for pair in MEMBERSHIPS.windows(2) {
            let key = |r: &Membership| (r.group, r.from, r.country);
            assert!(
                key(&pair[0]) < key(&pair[1]),
                "out of order at {:?}",
                pair[1]
            );
        }
        for row in MEMBERSHIPS {
            if let Some(to) = row.to {
                assert!(row.from < to, "{row:?}");
            }
            assert!(!row.source.is_empty());
            let flagged = row.source.starts_with("partly confirmed:")
                || row.source.starts_with("unconfirmed:");
            assert_eq!(row.confirmed, !flagged, "{row:?}");
            // One row per group and country: no overlapping periods to reconcile.
            assert!(seen.insert((row.group, row.country)), "duplicate {row:?}");
        }
    }

    #[test]
    fn nato_membership_around_every_accession() {
        let rows: Vec<&Membership> = Group::Nato.memberships().collect();
        assert_eq!(rows.len(), 32);
        for row in rows {
            let day_before = row.from - Days::new(1);
            let day_after = row.from + Days::new(1);
            assert!(!Group::Nato.is_member(row.country, day_before), "{row:?}");
            assert!(Group::Nato.is_member(row.country, row.from), "{row:?}");
            assert!(Group::Nato.is_member(row.country, day_after), "{row:?}");
            assert!(row.to.is_none(), "no NATO member has left");
            assert!(row.is_confirmed());
            assert_eq!(
                Group::Nato
                    .membership_on(row.country, row.from)
                    .map(|r| r.from),
                Some(row.from)
            );
        }
    }

    #[test]
    fn nato_dates_from_the_issue() {
        assert_eq!(members(Group::Nato, d(1949, 8, 23)), Vec::<&str>::new());
        assert_eq!(
            members(Group::Nato, d(1949, 8, 24)),
            [
                "BEL", "CAN", "DNK", "FRA", "GBR", "ISL", "ITA", "LUX", "NLD", "NOR", "PRT", "USA"
            ]
        );
        assert!(!Group::Nato.is_member(c("FIN"), d(2023, 4, 3)));
        assert!(Group::Nato.is_member(c("FIN"), d(2023, 4, 4)));
        assert!(!Group::Nato.is_member(c("SWE"), d(2024, 3, 6)));
        assert!(Group::Nato.is_member(c("SWE"), d(2024, 3, 7)));
        assert_eq!(Group::Nato.members_on(d(2024, 3, 6)).count(), 31);
        assert_eq!(Group::Nato.members_on(d(2024, 3, 7)).count(), 32);
        // France stayed a member through its 1966-2009 absence from the integrated command.
        for year in [1966, 1967, 1990, 2008, 2009] {
            assert!(Group::Nato.is_member(c("FRA"), d(year, 7, 1)));
        }
        assert!(!Group::Nato.is_member(c("JOR"), d(2024, 1, 1)));
    }

    #[test]
    fn mnna_designation_and_revocation_boundaries() {
        let mnna = Group::MajorNonNatoAlly;
        for row in mnna.memberships() {
            assert!(
                !mnna.is_member(row.country, row.from - Days::new(1)),
                "{row:?}"
            );
            assert!(mnna.is_member(row.country, row.from), "{row:?}");
            if let Some(to) = row.to {
                assert!(mnna.is_member(row.country, to - Days::new(1)), "{row:?}");
                assert!(!mnna.is_member(row.country, to), "{row:?}");
            }
        }
        let afg = c("AFG");
        assert!(!mnna.is_member(afg, d(2012, 7, 5)));
        assert!(mnna.is_member(afg, d(2012, 7, 6)));
        assert!(mnna.is_member(afg, d(2022, 9, 22)));
        assert!(!mnna.is_member(afg, d(2022, 9, 23)));
        assert!(!mnna.is_member(c("JOR"), d(1996, 11, 11)));
        assert!(mnna.is_member(c("JOR"), d(1996, 11, 12)));
        assert!(!mnna.is_member(c("EGY"), d(1996, 7, 20)));
        assert!(mnna.is_member(c("EGY"), d(1996, 7, 21)));
        // No country is both a NATO member and a major non-NATO ally on any day.
        for row in mnna.memberships() {
            let mut day = row.from;
            while day < d(2030, 1, 1) && row.covers(day) {
                assert!(!Group::Nato.is_member(row.country, day), "{row:?} on {day}");
                day = day + Days::new(30);
            }
        }
        let allies_2023: Vec<&str> = members(mnna, d(2023, 1, 1));
        assert_eq!(
            allies_2023,
            [
                "ARG", "AUS", "BHR", "BRA", "COL", "EGY", "ISR", "JOR", "JPN", "KOR", "KWT", "MAR",
                "NZL", "PAK", "PHL", "QAT", "THA", "TUN", "TWN"
            ]
        );
    }

    #[test]
    fn aeca_36b_group_boundaries() {
        let favored = Group::Aeca36bFavored;
        assert!(!favored.is_member(c("KOR"), d(2008, 10, 14)));
        assert!(favored.is_member(c("KOR"), d(2008, 10, 15)));
        assert!(!favored.is_member(c("ISR"), d(2010, 10, 7)));
        assert!(favored.is_member(c("ISR"), d(2010, 10, 8)));
        for year in 1982..=2030 {
            for country in ["GBR", "JPN", "USA", "AUS", "NZL", "DEU"] {
                assert!(
                    favored.is_member(c(country), d(year, 1, 1)),
                    "{country} {year}"
                );
            }
        }
        // NATO members count while they are members, from the 1981 amendment on.
        assert!(!favored.is_member(c("FIN"), d(2023, 4, 3)));
        assert!(favored.is_member(c("FIN"), d(2023, 4, 4)));
        assert!(!favored.is_member(c("GBR"), d(1981, 12, 28)));
        assert!(favored.is_member(c("GBR"), d(1981, 12, 29)));
        assert!(!favored.is_member(c("JPN"), d(1981, 12, 28)));
        assert!(favored.is_member(c("ESP"), d(1982, 5, 30)));
        assert!(!favored.is_member(c("ESP"), d(1982, 5, 29)));
        let uk = favored.membership_on(c("GBR"), d(2000, 1, 1)).unwrap();
        assert_eq!(uk.group(), Group::Nato);
        // Non-NATO major allies outside the statute's list are not favored.
        assert!(!favored.is_member(c("EGY"), d(2020, 1, 1)));
        assert!(!favored.is_member(c("JOR"), d(2020, 1, 1)));
        assert_eq!(favored.members_on(d(2024, 3, 7)).count(), 32 + 5);
        assert_eq!(favored.members_on(d(2008, 10, 15)).count(), 26 + 4);
    }

    #[test]
    fn group_text_and_serde() {
        for group in Group::ALL {
            let json = serde_json::to_string(&group).unwrap();
            assert_eq!(serde_json::from_str::<Group>(&json).unwrap(), group);
            assert_eq!(group.to_string(), group.name());
        }
        assert_eq!(serde_json::to_string(&Group::Nato).unwrap(), "\"nato\"");
        assert_eq!(
            serde_json::to_string(&Group::MajorNonNatoAlly).unwrap(),
            "\"major_non_nato_ally\""
        );
        assert_eq!(
            serde_json::to_string(&Group::Aeca36bFavored).unwrap(),
            "\"aeca36b_favored\""
        );
        for row in Membership::table() {
            let json = serde_json::to_string(row).unwrap();
            assert_eq!(&serde_json::from_str::<Membership>(&json).unwrap(), row);
        }
    }
}
