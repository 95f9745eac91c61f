//! International standards the homeland mission areas are measured against, as dated data
//! with sources; the references offerings make to them; and partners' standing against them
//! as effective-dated facts with two clocks.
//!
//! The seed paper asks the program to "promote international standardization and
//! interoperability in doctrine, equipment, and procedures among U.S. friends and allies".
//! [`Standards::builtin`] ships the instruments DOMAIN.md names; callers add their own (a
//! NATO standardization agreement, a regional standard) with [`Standards::add`].

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::MissionArea;
use super::error::StandardError;
use crate::law::Citation;
use crate::partner::CountryCode;

/// One international standard: who issues it, its identifier, the edition or amendment in
/// force and its date, the mission areas it serves, and where that comes from.
///
/// `confirmed` is `false` when the edition or its date could not be confirmed from the
/// cited source; `source` then says what is and is not known, as the crate does for every
/// law-given number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Standard {
    /// A short unique id, such as `"ICAO-ANNEX-17"` (the id offerings and facts use).
    pub id: String,
    /// The issuing body, such as `"International Civil Aviation Organization"`.
    pub body: String,
    /// The instrument's own identifier, such as `"Annex 17 to the Convention on
    /// International Civil Aviation"`.
    pub identifier: String,
    /// A readable title.
    pub title: String,
    /// The edition or amendment, such as `"twelfth edition (2022), amendment 18"`.
    pub edition: String,
    /// The date of that edition or amendment (for an amendment, the day it became
    /// applicable).
    pub dated: NaiveDate,
    /// The mission areas it serves (at least one).
    pub missions: BTreeSet<MissionArea>,
    /// Where the edition and date come from: a URL or a citation, with what could not be
    /// confirmed.
    pub source: String,
    /// `false` when the edition or its date is unconfirmed.
    pub confirmed: bool,
}

impl Standard {
    /// `true` if the standard serves `mission`.
    #[must_use]
    pub fn serves(&self, mission: MissionArea) -> bool {
        self.missions.contains(&mission)
    }
}

/// The table of standards: validated, sorted by id.
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::homeland::{MissionArea, Standard, Standards};
///
/// let mut table = Standards::builtin();
/// assert!(table.get("IMO-ISPS").is_some_and(|s| s.serves(MissionArea::MaritimeSecurity)));
/// table.add(Standard {
///     id: "NATO-STANAG-2280".into(),
///     body: "NATO Standardization Office".into(),
///     identifier: "STANAG 2280".into(),
///     title: "design threat levels and handover procedures for explosive ordnance disposal".into(),
///     edition: "edition of the caller's record".into(),
///     dated: NaiveDate::from_ymd_opt(2012, 1, 1).ok_or("date")?,
///     missions: [MissionArea::Counterterrorism].into(),
///     source: "the caller's own record".into(),
///     confirmed: false,
/// })?;
/// assert_eq!(table.serving(MissionArea::Counterterrorism).count(), 1);
/// // The same id twice is refused.
/// let again = table.get("IMO-ISPS").cloned().ok_or("isps")?;
/// assert!(table.add(again).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Standards {
    standards: Vec<Standard>,
}

/// The issuing body of the ICAO standards in [`BUILTIN`].
const ICAO: &str = "International Civil Aviation Organization";

/// One standard of the built-in table, as static data.
struct BuiltinStandard {
    id: &'static str,
    body: &'static str,
    identifier: &'static str,
    title: &'static str,
    edition: &'static str,
    /// Year, month, day.
    dated: (i32, u32, u32),
    missions: &'static [MissionArea],
    source: &'static str,
    confirmed: bool,
}

impl BuiltinStandard {
    fn standard(&self) -> Standard {
        let (y, m, d) = self.dated;
        Standard {
            id: self.id.to_owned(),
            body: self.body.to_owned(),
            identifier: self.identifier.to_owned(),
            title: self.title.to_owned(),
            edition: self.edition.to_owned(),
            dated: NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN),
            missions: self.missions.iter().copied().collect(),
            source: self.source.to_owned(),
            confirmed: self.confirmed,
        }
    }
}

/// The table [`Standards::builtin`] returns (its documentation says where each row comes
/// from).
static BUILTIN: [BuiltinStandard; 7] = [
    BuiltinStandard {
        id: "ICAO-ANNEX-17",
        body: ICAO,
        identifier: "Annex 17 to the Convention on International Civil Aviation",
        title: "Security: safeguarding international civil aviation against acts of unlawful interference",
        edition: "twelfth edition (2022), amendment 18",
        dated: (2022, 11, 18),
        missions: &[MissionArea::AviationSecurity],
        source: "ICAO newsroom, 'Updated Aviation Security standards adopted by the ICAO Council', 6 May 2022 \
             (https://www.icao.int/Newsroom/Pages/Updated-Aviation-Security-standards-adopted-by-the-ICAO-Council.aspx): \
             amendment 18 adopted at the 225th session, effective 18 July 2022, applicable 18 November 2022; \
             whether a later amendment has become applicable since is unconfirmed",
        confirmed: true,
    },
    BuiltinStandard {
        id: "ICAO-ANNEX-9",
        body: ICAO,
        identifier: "Annex 9 to the Convention on International Civil Aviation",
        title: "Facilitation",
        edition: "sixteenth edition (2022), amendment 29",
        dated: (2022, 11, 18),
        missions: &[MissionArea::AviationSecurity, MissionArea::BorderControl],
        source: "publisher's notice of the sixteenth edition (https://www.aviaizdat.ru/en/post/new-icao-publication-an-9): \
             amendment 29 adopted 9 March 2022, effective 18 July 2022, applicable 18 November 2022; \
             not confirmed from ICAO itself, and later amendments were not checked",
        confirmed: false,
    },
    BuiltinStandard {
        id: "ICAO-DOC-9303",
        body: ICAO,
        identifier: "Doc 9303",
        title: "Machine readable travel documents",
        edition: "eighth edition (2021)",
        dated: (2021, 1, 1),
        missions: &[MissionArea::BorderControl],
        source: "ICAO, Doc 9303 page (http://www.icao.int/Security/mrtd/Pages/Document9303.aspx); the title page of \
             part 3 reads 'Eighth Edition, 2021'; the day is unknown and 1 January 2021 stands for the year",
        confirmed: false,
    },
    BuiltinStandard {
        id: "IMO-ISPS",
        body: "International Maritime Organization",
        identifier: "International Ship and Port Facility Security (ISPS) Code, SOLAS chapter XI-2",
        title: "Special measures to enhance maritime security: ship and port facility security",
        edition: "adopted 12 December 2002 by the SOLAS Conference; mandatory from 1 July 2004",
        dated: (2004, 7, 1),
        missions: &[MissionArea::MaritimeSecurity],
        source: "IMO, ISPS Code 2003 edition, foreword: adopted 12 December 2002 by the Conference of Contracting \
             Governments to SOLAS 1974, compliance mandatory under the new chapter XI-2 on 1 July 2004; \
             later amendments to the Code are not listed here",
        confirmed: true,
    },
    BuiltinStandard {
        id: "WCO-SAFE",
        body: "World Customs Organization",
        identifier: "SAFE Framework of Standards to Secure and Facilitate Global Trade",
        title: "Supply-chain (cargo) security and facilitation",
        edition: "2021 edition",
        dated: (2021, 4, 16),
        missions: &[MissionArea::MaritimeSecurity, MissionArea::BorderControl],
        source: "WCO newsroom, 20 April 2021 (https://www.wcoomd.org/en/media/newsroom/2021/april/the-safe-working-group-endorses-the-safe-2021-framework.aspx): \
             the 25th SAFE Working Group (14 to 16 April 2021) endorsed the 2021 edition for the Policy \
             Commission and Council; the date of Council approval is unconfirmed, so the endorsement date is used",
        confirmed: false,
    },
    BuiltinStandard {
        id: "INSARAG",
        body: "International Search and Rescue Advisory Group (UN OCHA)",
        identifier: "INSARAG Guidelines",
        title: "International urban search and rescue: policy, preparedness and response, operational field guide",
        edition: "INSARAG Guidelines 2020, volumes I to III",
        dated: (2020, 1, 1),
        missions: &[MissionArea::DisasterResponse],
        source: "Humanitarian Library, 'INSARAG Guidelines 2020 Volume I: Policy' \
             (https://www.humanitarianlibrary.org/resource/insarag-guidelines-2020-volume-i-policy); the day \
             of endorsement is unknown and 1 January 2020 stands for the year",
        confirmed: false,
    },
    BuiltinStandard {
        id: "ISO-IEC-27001",
        body: "ISO and IEC (joint technical committee ISO/IEC JTC 1/SC 27)",
        identifier: "ISO/IEC 27001:2022",
        title: "Information security, cybersecurity and privacy protection: information security management systems, requirements",
        edition: "third edition (2022)",
        dated: (2022, 10, 25),
        missions: &[MissionArea::InformationSecurity],
        source: "https://www.iso.org/standard/27001; published October 2022 (several secondary sources), \
             25 October 2022 per one (https://hightable.io/iso-27001-glossary-of-terms/iso-270012022); \
             the day and amendment 1:2024 were not confirmed from ISO",
        confirmed: false,
    },
];

impl Standards {
    /// The longest standard id.
    pub const ID_MAX: usize = 32;

    /// A table of `standards`, each validated, sorted by id.
    ///
    /// # Errors
    ///
    /// For the first standard (in the given order) that fails:
    /// [`StandardError::InvalidId`] unless the id has 1 to [`Standards::ID_MAX`] ASCII
    /// letters, digits, `-` or `_`; [`StandardError::Blank`] if the body, identifier,
    /// edition or source is blank; [`StandardError::NoMission`] if it serves no mission
    /// area; then [`StandardError::Duplicate`] for the first repeated id.
    pub fn new(standards: Vec<Standard>) -> Result<Standards, StandardError> {
        let mut table = Standards {
            standards: Vec::with_capacity(standards.len()),
        };
        for s in &standards {
            validate(s)?;
        }
        for s in standards {
            table.add(s)?;
        }
        Ok(table)
    }

    /// The shipped table: ICAO Annex 17 and Annex 9, ICAO Doc 9303, the ISPS Code (SOLAS
    /// chapter XI-2), the WCO SAFE Framework of Standards, the INSARAG Guidelines and
    /// ISO/IEC 27001:2022, each with its edition, date and source (checked 2026-12-03).
    ///
    /// | id | edition | dated | confirmed |
    /// |---|---|---|---|
    /// | `ICAO-ANNEX-17` | 12th edition (2022), amendment 18 | 2022-11-18 (applicable) | yes: ICAO newsroom, 6 May 2022 |
    /// | `ICAO-ANNEX-9` | 16th edition (2022), amendment 29 | 2022-11-18 (applicable) | no: a publisher's notice, not ICAO; later amendments not checked |
    /// | `ICAO-DOC-9303` | 8th edition | 2021 (day unknown; 2021-01-01 stands for the year) | no |
    /// | `IMO-ISPS` | adopted 2002-12-12, mandatory under SOLAS XI-2 | 2004-07-01 (in force) | yes: IMO conference text; later amendments not listed |
    /// | `WCO-SAFE` | 2021 edition | 2021-04-16 (endorsed by the SAFE Working Group) | no: Council approval date not confirmed |
    /// | `INSARAG` | INSARAG Guidelines 2020, volumes I to III | 2020 (day unknown; 2020-01-01 stands for the year) | no |
    /// | `ISO-IEC-27001` | ISO/IEC 27001:2022 (third edition) | 2022-10-25 | no: the month is confirmed, the day by one secondary source; amendment 1:2024 not checked |
    ///
    /// Counterterrorism operations have no standard in the table: it is the caller's to
    /// add one.
    ///
    /// ```
    /// use security_assistance::homeland::{MissionArea, Standards};
    /// let table = Standards::builtin();
    /// assert_eq!(table.len(), 7);
    /// let annex17 = table.get("ICAO-ANNEX-17").ok_or("annex 17")?;
    /// assert!(annex17.confirmed);
    /// assert_eq!(annex17.dated.to_string(), "2022-11-18");
    /// assert_eq!(table.serving(MissionArea::Counterterrorism).count(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn builtin() -> Standards {
        let mut standards: Vec<Standard> = BUILTIN.iter().map(BuiltinStandard::standard).collect();
        standards.sort_by(|a, b| a.id.cmp(&b.id));
        Standards { standards }
    }

    /// Adds a caller's standard, keeping the table sorted.
    ///
    /// # Errors
    ///
    /// The errors of [`Standards::new`] for that standard; the table is unchanged.
    pub fn add(&mut self, standard: Standard) -> Result<(), StandardError> {
        validate(&standard)?;
        match self
            .standards
            .binary_search_by(|s| s.id.as_str().cmp(&standard.id))
        {
            Ok(_) => Err(StandardError::Duplicate { id: standard.id }),
            Err(at) => {
                self.standards.insert(at, standard);
                Ok(())
            }
        }
    }

    /// The standard with `id`, if any.
    #[must_use]
    pub fn get(&self, id: &str) -> Option<&Standard> {
        self.standards
            .binary_search_by(|s| s.id.as_str().cmp(id))
            .ok()
            .and_then(|i| self.standards.get(i))
    }

    /// The standard with `id`.
    ///
    /// # Errors
    ///
    /// [`StandardError::Unknown`] naming the id and every id the table holds.
    pub fn find(&self, id: &str) -> Result<&Standard, StandardError> {
        self.get(id).ok_or_else(|| StandardError::Unknown {
            id: id.to_owned(),
            known: self.ids(),
        })
    }

    /// Every standard, sorted by id.
    pub fn iter(&self) -> impl Iterator<Item = &Standard> {
        self.standards.iter()
    }

    /// The standards that serve `mission`, sorted by id.
    pub fn serving(&self, mission: MissionArea) -> impl Iterator<Item = &Standard> {
        self.standards.iter().filter(move |s| s.serves(mission))
    }

    /// Every id, sorted.
    #[must_use]
    pub fn ids(&self) -> Vec<String> {
        self.standards.iter().map(|s| s.id.clone()).collect()
    }

    /// How many standards.
    #[must_use]
    pub fn len(&self) -> usize {
        self.standards.len()
    }

    /// `true` when the table is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.standards.is_empty()
    }
}

impl<'de> Deserialize<'de> for Standards {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Standards, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Raw {
            standards: Vec<Standard>,
        }
        let raw = Raw::deserialize(deserializer)?;
        Standards::new(raw.standards).map_err(serde::de::Error::custom)
    }
}

pub(super) fn valid_id(id: &str, max: usize) -> bool {
    !id.is_empty()
        && id.len() <= max
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn validate(s: &Standard) -> Result<(), StandardError> {
    if !valid_id(&s.id, Standards::ID_MAX) {
        return Err(StandardError::InvalidId {
            id: s.id.clone(),
            max: Standards::ID_MAX,
        });
    }
    for (field, text) in [
        ("body", &s.body),
        ("identifier", &s.identifier),
        ("edition", &s.edition),
        ("source", &s.source),
    ] {
        if text.trim().is_empty() {
            return Err(StandardError::Blank {
                id: s.id.clone(),
                field: field.to_owned(),
            });
        }
    }
    if s.missions.is_empty() {
        return Err(StandardError::NoMission { id: s.id.clone() });
    }
    Ok(())
}

/// A reference from an offering to a standard it builds toward, and the part of it (a
/// clause, annex or chapter) where that is known.
///
/// ```
/// use security_assistance::homeland::StandardRef;
/// let r: StandardRef = serde_json::from_str(r#"{"standard": "IMO-ISPS", "part": "part A, section 18"}"#)?;
/// assert_eq!(r.to_string(), "IMO-ISPS (part A, section 18)");
/// // Unknown fields are refused.
/// assert!(serde_json::from_str::<StandardRef>(r#"{"standard": "IMO-ISPS", "clause": "18"}"#).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StandardRef {
    /// The standard's id in the table.
    pub standard: String,
    /// The part, such as `"chapter 4"` or `"Annex A, control 5.7"`, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
}

impl StandardRef {
    /// A reference to the whole of `standard`.
    #[must_use]
    pub fn to(standard: &str) -> StandardRef {
        StandardRef {
            standard: standard.to_owned(),
            part: None,
        }
    }

    /// The same reference, to `part` of the standard.
    #[must_use]
    pub fn part(mut self, part: &str) -> StandardRef {
        self.part = Some(part.to_owned());
        self
    }
}

impl fmt::Display for StandardRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.part {
            Some(part) => write!(f, "{} ({part})", self.standard),
            None => f.write_str(&self.standard),
        }
    }
}

/// What an assessment found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Finding {
    /// Assessed as meeting the standard.
    Meets,
    /// Assessed as meeting part of it.
    Partially,
    /// Assessed as not meeting it.
    DoesNotMeet,
}

impl Finding {
    /// `true` when the finding leaves a gap (partially, or not meeting).
    #[must_use]
    pub const fn is_gap(self) -> bool {
        matches!(self, Finding::Partially | Finding::DoesNotMeet)
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Finding::Meets => "meets",
            Finding::Partially => "partially meets",
            Finding::DoesNotMeet => "does not meet",
        })
    }
}

/// A partner's standing against a standard, such as an ISPS compliance finding or an ICAO
/// audit result: in force from `effective_from` up to, not including, `effective_to`, and
/// known from `recorded` on, like an eligibility [`Fact`](crate::eligibility::Fact).
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::homeland::{Assessment, Finding};
/// use security_assistance::Citation;
/// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
/// let audit = Assessment::new("PAN".parse()?, "ICAO-ANNEX-17", Finding::Partially, day(2007, 5, 1)?,
///     Citation::new("ICAO USAP audit", "illustrative"), day(2007, 6, 1)?)
///     .until(day(2010, 5, 1)?);
/// assert!(audit.in_force(day(2008, 1, 1)?, None));
/// assert!(!audit.in_force(day(2007, 5, 15)?, Some(day(2007, 5, 20)?))); // not yet recorded
/// assert!(!audit.in_force(day(2010, 5, 1)?, None));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assessment {
    /// The partner assessed.
    pub partner: CountryCode,
    /// The standard's id.
    pub standard: String,
    /// What was found.
    pub finding: Finding,
    /// The first day it is in force.
    pub effective_from: NaiveDate,
    /// The first day it is no longer in force, if it has ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_to: Option<NaiveDate>,
    /// Where it comes from (the audit or compliance report).
    pub citation: Citation,
    /// The day it was recorded.
    pub recorded: NaiveDate,
}

impl Assessment {
    /// An assessment in force from `effective_from`, open-ended.
    #[must_use]
    pub fn new(
        partner: CountryCode,
        standard: &str,
        finding: Finding,
        effective_from: NaiveDate,
        citation: Citation,
        recorded: NaiveDate,
    ) -> Assessment {
        Assessment {
            partner,
            standard: standard.to_owned(),
            finding,
            effective_from,
            effective_to: None,
            citation,
            recorded,
        }
    }

    /// The same assessment, ending on `effective_to` (the first day no longer in force).
    #[must_use]
    pub fn until(mut self, effective_to: NaiveDate) -> Assessment {
        self.effective_to = Some(effective_to);
        self
    }

    /// `true` if in force on `date` and, when `known_on` is given, recorded by then.
    #[must_use]
    pub fn in_force(&self, date: NaiveDate, known_on: Option<NaiveDate>) -> bool {
        self.effective_from <= date
            && self.effective_to.is_none_or(|to| date < to)
            && known_on.is_none_or(|k| self.recorded <= k)
    }
}

/// Partners' standing against standards: the assessments, by partner.
///
/// When several assessments of one partner against one standard are in force on a date,
/// the one in force from the latest day wins, then the one recorded last (a new audit
/// supersedes the old one without the caller closing it).
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::homeland::{Assessment, Finding, Standards, Standing};
/// use security_assistance::Citation;
/// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
/// let table = Standards::builtin();
/// let cite = Citation::new("ICAO USAP audit", "illustrative");
/// let mut standing = Standing::new();
/// standing.add(Assessment::new("PAN".parse()?, "ICAO-ANNEX-17", Finding::DoesNotMeet,
///     day(2006, 1, 1)?, cite.clone(), day(2006, 1, 5)?), &table)?;
/// standing.add(Assessment::new("PAN".parse()?, "ICAO-ANNEX-17", Finding::Meets,
///     day(2008, 6, 1)?, cite.clone(), day(2008, 6, 2)?), &table)?;
/// let pan = "PAN".parse()?;
/// assert_eq!(standing.finding(pan, "ICAO-ANNEX-17", day(2008, 1, 1)?, None), Some(Finding::DoesNotMeet));
/// assert_eq!(standing.finding(pan, "ICAO-ANNEX-17", day(2008, 7, 1)?, None), Some(Finding::Meets));
/// // As known on 2008-06-01, the new audit was not yet recorded.
/// assert_eq!(standing.finding(pan, "ICAO-ANNEX-17", day(2008, 7, 1)?, Some(day(2008, 6, 1)?)),
///     Some(Finding::DoesNotMeet));
/// // An unknown standard is refused and the table's ids are named.
/// let bad = Assessment::new(pan, "ICAO-ANNEX-99", Finding::Meets, day(2008, 1, 1)?, cite, day(2008, 1, 1)?);
/// assert!(standing.add(bad, &table).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Standing {
    assessments: BTreeMap<CountryCode, Vec<Assessment>>,
}

impl Standing {
    /// No assessments.
    #[must_use]
    pub fn new() -> Standing {
        Standing::default()
    }

    /// Adds an assessment of a standard in `standards`.
    ///
    /// # Errors
    ///
    /// [`StandardError::Unknown`] if the standard is not in `standards`;
    /// [`StandardError::EndsBeforeItStarts`] if `effective_to` is not after
    /// `effective_from`. Nothing is added.
    pub fn add(
        &mut self,
        assessment: Assessment,
        standards: &Standards,
    ) -> Result<(), StandardError> {
        standards.find(&assessment.standard)?;
        if let Some(to) = assessment.effective_to
            && to <= assessment.effective_from
        {
            return Err(StandardError::EndsBeforeItStarts {
                standard: assessment.standard,
                partner: assessment.partner,
                from: assessment.effective_from,
                to,
            });
        }
        self.assessments
            .entry(assessment.partner)
            .or_default()
            .push(assessment);
        Ok(())
    }

    /// Every assessment of `partner`, in force or not, in the order added.
    pub fn about(&self, partner: CountryCode) -> impl Iterator<Item = &Assessment> {
        self.assessments.get(&partner).into_iter().flatten()
    }

    /// The assessment of `partner` against `standard` in force on `date`, as known on
    /// `known_on` (`None`: as known now), if any.
    #[must_use]
    pub fn assessment(
        &self,
        partner: CountryCode,
        standard: &str,
        date: NaiveDate,
        known_on: Option<NaiveDate>,
    ) -> Option<&Assessment> {
        self.about(partner)
            .filter(|a| a.standard == standard && a.in_force(date, known_on))
            .max_by_key(|a| (a.effective_from, a.recorded))
    }

    /// The finding of that assessment, if any.
    #[must_use]
    pub fn finding(
        &self,
        partner: CountryCode,
        standard: &str,
        date: NaiveDate,
        known_on: Option<NaiveDate>,
    ) -> Option<Finding> {
        self.assessment(partner, standard, date, known_on)
            .map(|a| a.finding)
    }

    /// The number of assessments.
    #[must_use]
    pub fn len(&self) -> usize {
        self.assessments.values().map(Vec::len).sum()
    }

    /// `true` when there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.assessments.values().all(Vec::is_empty)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_table_is_valid_and_sorted() {
        let table = Standards::builtin();
        let again = Standards::new(table.iter().cloned().collect()).unwrap();
        assert_eq!(again, table);
        let ids = table.ids();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted);
        for s in table.iter() {
            assert!(
                s.dated > NaiveDate::from_ymd_opt(2000, 1, 1).unwrap(),
                "{}",
                s.id
            );
            assert!(
                s.source.contains("http") || s.source.contains("IMO"),
                "{}",
                s.id
            );
            if !s.confirmed {
                assert!(
                    s.source.contains("unconfirmed")
                        || s.source.contains("not confirmed")
                        || s.source.contains("unknown"),
                    "{}",
                    s.id
                );
            }
        }
    }

    #[test]
    fn bad_standards_are_refused_and_change_nothing() {
        let mut table = Standards::builtin();
        let mut s = table.get("INSARAG").unwrap().clone();
        s.id = "NEW-ONE".into();
        s.missions.clear();
        assert_eq!(
            table.add(s.clone()),
            Err(StandardError::NoMission {
                id: "NEW-ONE".into()
            })
        );
        s.missions.insert(MissionArea::DisasterResponse);
        s.source = "  ".into();
        assert!(matches!(
            table.add(s.clone()),
            Err(StandardError::Blank { ref field, .. }) if field == "source"
        ));
        s.id = "has space".into();
        assert!(matches!(table.add(s), Err(StandardError::InvalidId { .. })));
        assert_eq!(table, Standards::builtin());
        let json = r#"{"standards": [], "extra": 1}"#;
        assert!(serde_json::from_str::<Standards>(json).is_err());
        let round: Standards =
            serde_json::from_str(&serde_json::to_string(&table).unwrap()).unwrap();
        assert_eq!(round, table);
    }

    #[test]
    fn an_unknown_standard_names_what_exists() {
        let err = Standards::builtin().find("ICAO-ANNEX-99").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("ICAO-ANNEX-99"), "{text}");
        assert!(text.contains("IMO-ISPS"), "{text}");
    }

    #[test]
    fn an_assessment_must_end_after_it_starts() {
        let day = |d| NaiveDate::from_ymd_opt(2008, 1, d).unwrap();
        let a = Assessment::new(
            "PAN".parse().unwrap(),
            "IMO-ISPS",
            Finding::Meets,
            day(5),
            Citation::new("x", "y"),
            day(5),
        )
        .until(day(5));
        let mut standing = Standing::new();
        assert!(matches!(
            standing.add(a, &Standards::builtin()),
            Err(StandardError::EndsBeforeItStarts { .. })
        ));
        assert!(standing.is_empty());
    }
}
