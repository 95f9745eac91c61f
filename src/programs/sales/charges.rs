//! The charges on a case line, as dated data: the administrative surcharge, contract
//! administration services, transportation, and the building-partner-capacity exemption.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::SalesError;
use crate::money::{Money, Rate, Rounding};
use crate::partner::CountryCode;

/// Which date of a line decides the rate of a dated charge.
///
/// Each change of the administrative surcharge named its own key date: the 1999 reduction
/// applied to lines *implemented* on or after 1 June 1999, the 2006, 2012 and 2018 changes to
/// lines *accepted* on or after their dates (DOMAIN.md rule 21; DSCA 06-15).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum KeyDate {
    /// The date the purchaser accepted the document (letter of offer and acceptance or
    /// amendment) that added the line.
    Acceptance,
    /// The date the line was implemented. Until it is, the acceptance date stands in.
    Implementation,
}

/// One dated rate of a percentage charge: in force for lines whose key date is on or after
/// `from`, until a later row takes over.
///
/// ```
/// use security_assistance::programs::sales::{Charges, KeyDate};
/// let table = Charges::current();
/// let last = table.administrative.last().ok_or("empty table")?;
/// assert_eq!(last.rate.to_string(), "3.2");
/// assert_eq!(last.key_date, KeyDate::Acceptance);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateRow {
    /// The first key date the rate applies to.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub from: NaiveDate,
    /// The rate, as a percentage of the line value.
    pub rate: Rate,
    /// The date of the line that is compared with `from`.
    pub key_date: KeyDate,
    /// Where the figure and the date come from.
    pub source: String,
    /// `false` when DOMAIN.md (or our own research) leaves the figure, the date or the key
    /// date unconfirmed.
    pub confirmed: bool,
}

/// A dated exemption from a charge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exemption {
    /// The first key date exempted.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub from: NaiveDate,
    /// The date of the line that is compared with `from`.
    pub key_date: KeyDate,
    /// Where it comes from.
    pub source: String,
    /// `false` when the exemption or its key date is unconfirmed.
    pub confirmed: bool,
}

/// A Delivery Term Code (SAMM Table C9.T4a): one ASCII digit or capital letter saying how
/// far the United States carries the articles, which sets the transportation percentage.
///
/// ```
/// use security_assistance::programs::sales::DeliveryTerm;
/// let dtc: DeliveryTerm = "5".parse()?;
/// assert_eq!(dtc.to_string(), "5");
/// assert!("55".parse::<DeliveryTerm>().is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeliveryTerm(u8);

impl FromStr for DeliveryTerm {
    type Err = SalesError;

    fn from_str(s: &str) -> Result<DeliveryTerm, SalesError> {
        match s.as_bytes() {
            [b] if b.is_ascii_digit() || b.is_ascii_uppercase() => Ok(DeliveryTerm(*b)),
            _ => Err(SalesError::InvalidDeliveryTerm {
                input: s.to_owned(),
            }),
        }
    }
}

impl fmt::Display for DeliveryTerm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&char::from(self.0).to_string())
    }
}

impl Serialize for DeliveryTerm {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DeliveryTerm {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<DeliveryTerm, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// One dated transportation percentage for a Delivery Term Code, applied to the value of
/// a line by the date its delivery is reported (or, before that, its acceptance date).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransportationRow {
    /// The first date the percentage applies to.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub from: NaiveDate,
    /// The Delivery Term Code.
    pub delivery_term: DeliveryTerm,
    /// The percentage of the line value.
    pub rate: Rate,
    /// Where it comes from.
    pub source: String,
    /// `false` when unconfirmed.
    pub confirmed: bool,
}

/// Why a partner pays no contract administration services charge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ContractAdministrationBasis {
    /// A reciprocal agreement under which the partner waives the same charges on US
    /// purchases (AECA section 21(h), 22 U.S.C. 2761(h)).
    ReciprocalAgreement,
    /// A waiver granted for the partner without an agreement.
    Waiver,
}

/// A dated exemption of one partner from the contract administration services charge:
/// a reciprocal agreement or a waiver (AECA section 21(h), 22 U.S.C. 2761(h); SAMM C9.6).
/// The crate ships none (DOMAIN.md marks the agreements unconfirmed): they are the
/// caller's data, each with its source. It applies to lines whose acceptance date falls in
/// `from..to`.
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::programs::sales::{
///     Charges, ContractAdministrationBasis, ContractAdministrationExemption,
/// };
/// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
/// let mut table = Charges::current();
/// table.contract_administration_exemptions.push(ContractAdministrationExemption {
///     partner: "AUS".parse()?, from: day(2015, 1, 1)?, to: None,
///     basis: ContractAdministrationBasis::ReciprocalAgreement,
///     source: "reciprocal defense procurement agreement (caller data)".to_owned(),
///     confirmed: false,
/// });
/// assert!(table.contract_administration_exemption("AUS".parse()?, day(2014, 12, 31)?).is_none());
/// assert!(table.contract_administration_exemption("AUS".parse()?, day(2015, 1, 1)?).is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContractAdministrationExemption {
    /// The partner exempted.
    pub partner: CountryCode,
    /// The first acceptance date exempted.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub from: NaiveDate,
    /// The first acceptance date no longer exempted.
    #[serde(
        default,
        deserialize_with = "crate::fiscal::date_serde::deserialize_option"
    )]
    pub to: Option<NaiveDate>,
    /// Agreement or waiver.
    pub basis: ContractAdministrationBasis,
    /// Where it comes from.
    pub source: String,
    /// `false` when unconfirmed.
    pub confirmed: bool,
}

/// A dated minimum administrative charge for small cases: a case accepted in `from..to`
/// whose administrative surcharge falls short of `minimum` carries a Small Case Management
/// Line for the difference, itself free of the surcharge.
///
/// The shipped row is the SAMM's: "any case that is accepted between August 1, 2006 and
/// July 2, 2012 and does not charge at least $15,000 in FMS administrative surcharge ...
/// must include an SCML to charge the difference" (SAMM LOA note "Small Case Management
/// Line (SCML)"; DSCA 06-14; rescinded by DSCA 12-37 of 2012-07-03, clarified by DSCA
/// 12-53). Later amendments may only lower the line
/// ([`Case::small_case_management_line`](super::Case::small_case_management_line)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmallCaseMinimum {
    /// The first acceptance date the minimum applies to.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub from: NaiveDate,
    /// The first acceptance date it no longer applies to.
    #[serde(
        default,
        deserialize_with = "crate::fiscal::date_serde::deserialize_option"
    )]
    pub to: Option<NaiveDate>,
    /// The minimum administrative charge of a case.
    pub minimum: Money,
    /// Where it comes from.
    pub source: String,
    /// `false` when unconfirmed (or supplied by the caller without a source to confirm it).
    pub confirmed: bool,
}

/// Which charge a rate belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ChargeKind {
    /// The administrative surcharge (AECA section 21(e)(1)(A)).
    Administrative,
    /// The contract administration services surcharge (AECA section 21(h)).
    ContractAdministration,
    /// Transportation by Delivery Term Code.
    Transportation,
}

impl fmt::Display for ChargeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            ChargeKind::Administrative => "administrative surcharge",
            ChargeKind::ContractAdministration => "contract administration surcharge",
            ChargeKind::Transportation => "transportation charge",
        })
    }
}

/// Every dated charge on a case line.
///
/// [`Charges::current`] is the crate's table of the public values with their history and
/// sources; build your own with the public fields to price under other values. A case keeps
/// the table it was created with, so its prices never change behind its back.
///
/// # The tables shipped
///
/// Administrative surcharge (DOMAIN.md §2.3 and rule 21):
///
/// | from | rate | key date | confirmed |
/// |---|---|---|---|
/// | 1976-06-30 | 3.0 % | implementation | no: the start is a placeholder (earlier rates were not researched) |
/// | 1999-06-01 | 2.5 % | implementation | yes (DepSecDef and DSCA memos of June 1999) |
/// | 2006-08-01 | 3.8 % | acceptance | yes (DSCA 06-14, 06-15: "accepted on or after 01 August 2006") |
/// | 2012-11-01 | 3.5 % | acceptance | yes (DSCA 12-47, 13-60) |
/// | 2018-06-01 | 3.2 % | acceptance | no: DSCA 18-48 says "after 1 June 2018" and we count the day itself (a documented choice); whether 3.2 % is still current is unconfirmed |
///
/// Building Partner Capacity cases carry no administrative surcharge on lines accepted from
/// 2020-10-01 (DSCA 20-47; keying it to the acceptance date is our choice).
///
/// Contract administration services, on lines supplied from procurement only (DSCA 09-06):
/// 1.5 % until DSCA 14-27 (DSCA 02-14), 1.2 % from that memo's date 2014-11-06 (the rate is
/// confirmed by DSCA 19-43, the effective date is not), 1.0 % from 2020-02-01 (DSCA 19-43).
/// The key date of the later two rows is our choice (acceptance).
///
/// Transportation: the Delivery Term Code percentages of SAMM Table C9.T4a are unconfirmed
/// (DOMAIN.md §9 item 2), so **none are shipped**; a line with a Delivery Term Code is
/// priced only once the caller supplies [`TransportationRow`]s.
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::programs::sales::Charges;
/// let table = Charges::current();
/// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
/// let row = table.administrative_row(day(2012, 10, 31)?, None).ok_or("no rate")?;
/// assert_eq!(row.rate.to_string(), "3.8");
/// let row = table.administrative_row(day(2012, 11, 1)?, None).ok_or("no rate")?;
/// assert_eq!(row.rate.to_string(), "3.5");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Charges {
    /// Administrative surcharge rows.
    pub administrative: Vec<RateRow>,
    /// The exemption of Building Partner Capacity cases from the administrative surcharge.
    pub building_partner_capacity_exemption: Option<Exemption>,
    /// Contract administration services rows.
    pub contract_administration: Vec<RateRow>,
    /// Transportation rows by Delivery Term Code.
    pub transportation: Vec<TransportationRow>,
    /// Partners exempt from contract administration services (none shipped).
    #[serde(default)]
    pub contract_administration_exemptions: Vec<ContractAdministrationExemption>,
    /// The small-case minimum administrative charge.
    #[serde(default)]
    pub small_case_minimums: Vec<SmallCaseMinimum>,
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    // OK because every literal date in this file is a valid calendar date (a test checks
    // that no row falls back to the minimum date).
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// A rate from a literal percentage in tenths (`38` is 3.8 %).
fn tenths(value: i64) -> Rate {
    // OK because a non-negative literal is always a valid rate.
    Rate::from_percent(rust_decimal::Decimal::new(value, 1)).unwrap_or(Rate::ZERO)
}

fn row(from: NaiveDate, rate: Rate, key_date: KeyDate, source: &str, confirmed: bool) -> RateRow {
    RateRow {
        from,
        rate,
        key_date,
        source: source.to_owned(),
        confirmed,
    }
}

/// The administrative surcharge rows (DOMAIN.md §2.3, rule 21).
fn administrative_rows() -> Vec<RateRow> {
    vec![
        row(
            ymd(1976, 6, 30),
            tenths(30),
            KeyDate::Implementation,
            "3.0 percent before the 1999 reduction (DSCA memo of 1999-06-28, DOMAIN.md 2.3); the start date, the AECA's enactment, is a placeholder",
            false,
        ),
        row(
            ymd(1999, 6, 1),
            tenths(25),
            KeyDate::Implementation,
            "DepSecDef memo of June 1999 and DSCA implementing instructions of 1999-06-28: 2.5 percent for new cases and new lines implemented on or after 1999-06-01",
            true,
        ),
        row(
            ymd(2006, 8, 1),
            tenths(38),
            KeyDate::Acceptance,
            "DSCA 06-14 and 06-15 (2006-03-15), DSCA 06-47: 3.8 percent for cases and new lines accepted on or after 2006-08-01; earlier lines keep the rate of their implementation",
            true,
        ),
        row(
            ymd(2012, 11, 1),
            tenths(35),
            KeyDate::Acceptance,
            "DSCA 12-47, DSCA 13-60: 3.5 percent for lines accepted on or after 2012-11-01",
            true,
        ),
        row(
            ymd(2018, 6, 1),
            tenths(32),
            KeyDate::Acceptance,
            "DSCA 18-27, DSCA 18-48: 3.2 percent for cases and new lines accepted after 1 June 2018; counting 2018-06-01 itself is a documented choice; 18-48 was rescinded by DSCA 19-23 (content unconfirmed) and whether 3.2 percent is current is unconfirmed",
            false,
        ),
    ]
}

/// The contract administration services rows (DSCA 02-14, 14-27, 19-43).
fn contract_administration_rows() -> Vec<RateRow> {
    vec![
        row(
            ymd(1976, 6, 30),
            tenths(15),
            KeyDate::Implementation,
            "DSCA 02-14 (2002-06-03): 0.5 percent each for contract administration, quality assurance and inspection, and contract audit for cases implemented before 2002-10-01; the start date is a placeholder",
            false,
        ),
        row(
            ymd(2002, 10, 1),
            tenths(15),
            KeyDate::Implementation,
            "DSCA 02-14: 0.65 + 0.65 + 0.20 percent for cases implemented on or after 2002-10-01 (the 0.20 percent outside-CONUS element is not modeled)",
            true,
        ),
        row(
            ymd(2014, 11, 6),
            tenths(12),
            KeyDate::Acceptance,
            "DSCA 14-27 (memo of 2014-11-06): reduced to 1.2 percent (the figure is confirmed by DSCA 19-43); the effective date (the memo's date) and the key date are unconfirmed",
            false,
        ),
        row(
            ymd(2020, 2, 1),
            tenths(10),
            KeyDate::Acceptance,
            "DSCA 19-43 (2020-01-07): CONUS rate from 1.20 to 1.00 percent effective 2020-02-01; keying it to the acceptance date is a documented choice",
            true,
        ),
    ]
}

impl Charges {
    /// The public values with their history and sources (see the tables on [`Charges`]).
    #[must_use]
    pub fn current() -> Charges {
        Charges {
            administrative: administrative_rows(),
            building_partner_capacity_exemption: Some(Exemption {
                from: ymd(2020, 10, 1),
                key_date: KeyDate::Acceptance,
                source: "DSCA 20-47: the administrative surcharge no longer applies to Building Partner Capacity cases from 2020-10-01; keying it to the line's acceptance date is a documented choice".to_owned(),
                confirmed: true,
            }),
            contract_administration: contract_administration_rows(),
            transportation: Vec::new(),
            contract_administration_exemptions: Vec::new(),
            small_case_minimums: vec![SmallCaseMinimum {
                from: ymd(2006, 8, 1),
                to: Some(ymd(2012, 7, 3)),
                minimum: Money::from_cents(1_500_000),
                source: "SAMM LOA note \"Small Case Management Line (SCML)\": cases accepted between August 1, 2006 and July 2, 2012 charge at least $15,000 in administrative surcharge (DSCA 06-14; rescinded by DSCA 12-37 of 2012-07-03)".to_owned(),
                confirmed: true,
            }],
        }
    }

    /// The partner's contract administration exemption for a line accepted on `accepted`.
    #[must_use]
    pub fn contract_administration_exemption(
        &self,
        partner: CountryCode,
        accepted: NaiveDate,
    ) -> Option<&ContractAdministrationExemption> {
        self.contract_administration_exemptions.iter().find(|e| {
            e.partner == partner && e.from <= accepted && e.to.is_none_or(|t| accepted < t)
        })
    }

    /// The small-case minimum for a case accepted on `accepted`.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use security_assistance::programs::sales::Charges;
    /// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// let table = Charges::current();
    /// assert!(table.small_case_minimum(day(2006, 7, 31)?).is_none());
    /// assert_eq!(table.small_case_minimum(day(2006, 8, 1)?).map(|m| m.minimum.to_string()),
    ///     Some("$15,000.00".to_owned()));
    /// assert!(table.small_case_minimum(day(2012, 7, 2)?).is_some());
    /// assert!(table.small_case_minimum(day(2012, 7, 3)?).is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn small_case_minimum(&self, accepted: NaiveDate) -> Option<&SmallCaseMinimum> {
        self.small_case_minimums
            .iter()
            .find(|m| m.from <= accepted && m.to.is_none_or(|t| accepted < t))
    }

    /// The administrative surcharge row for a line accepted on `accepted` and implemented
    /// on `implemented` (`None` while it is not: the acceptance date stands in), ignoring
    /// the building-partner-capacity exemption. `None` if no row is in force.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use security_assistance::programs::sales::Charges;
    /// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// let table = Charges::current();
    /// // The 1999 change keys on implementation: accepted in May, implemented in June.
    /// let row = table.administrative_row(day(1999, 5, 20)?, Some(day(1999, 6, 1)?)).ok_or("no rate")?;
    /// assert_eq!(row.rate.to_string(), "2.5");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn administrative_row(
        &self,
        accepted: NaiveDate,
        implemented: Option<NaiveDate>,
    ) -> Option<&RateRow> {
        row_for(&self.administrative, accepted, implemented)
    }

    /// The contract administration services row for a line, as for
    /// [`Charges::administrative_row`].
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use security_assistance::programs::sales::Charges;
    /// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// let table = Charges::current();
    /// let row = table.contract_administration_row(day(2020, 2, 1)?, None).ok_or("no rate")?;
    /// assert_eq!(row.rate.to_string(), "1");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn contract_administration_row(
        &self,
        accepted: NaiveDate,
        implemented: Option<NaiveDate>,
    ) -> Option<&RateRow> {
        row_for(&self.contract_administration, accepted, implemented)
    }

    /// The transportation row for `delivery_term` in force on `date`.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use security_assistance::programs::sales::{Charges, TransportationRow};
    /// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// let mut table = Charges::current();
    /// let dtc = "4".parse()?;
    /// assert!(table.transportation_row(dtc, day(2019, 1, 1)?).is_none());
    /// table.transportation.push(TransportationRow {
    ///     from: day(2018, 8, 15)?, delivery_term: dtc, rate: "2.5".parse()?,
    ///     source: "our own estimate".to_owned(), confirmed: false,
    /// });
    /// assert_eq!(table.transportation_row(dtc, day(2019, 1, 1)?).map(|r| r.rate.to_string()),
    ///     Some("2.5".to_owned()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn transportation_row(
        &self,
        delivery_term: DeliveryTerm,
        date: NaiveDate,
    ) -> Option<&TransportationRow> {
        self.transportation
            .iter()
            .filter(|r| r.delivery_term == delivery_term && r.from <= date)
            .max_by_key(|r| r.from)
    }

    /// Whether a building-partner-capacity line with these key dates is exempt from the
    /// administrative surcharge.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use security_assistance::programs::sales::Charges;
    /// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// let table = Charges::current();
    /// assert!(!table.building_partner_capacity_exempt(day(2020, 9, 30)?, None));
    /// assert!(table.building_partner_capacity_exempt(day(2020, 10, 1)?, None));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn building_partner_capacity_exempt(
        &self,
        accepted: NaiveDate,
        implemented: Option<NaiveDate>,
    ) -> bool {
        self.building_partner_capacity_exemption
            .as_ref()
            .is_some_and(|e| key(e.key_date, accepted, implemented) >= e.from)
    }
}

fn key(basis: KeyDate, accepted: NaiveDate, implemented: Option<NaiveDate>) -> NaiveDate {
    match basis {
        KeyDate::Acceptance => accepted,
        KeyDate::Implementation => implemented.unwrap_or(accepted),
    }
}

/// The row with the latest `from` among those the line's key dates reach.
fn row_for(
    rows: &[RateRow],
    accepted: NaiveDate,
    implemented: Option<NaiveDate>,
) -> Option<&RateRow> {
    rows.iter()
        .filter(|r| key(r.key_date, accepted, implemented) >= r.from)
        .max_by_key(|r| r.from)
}

/// Where a line's articles or services come from: it decides whether contract
/// administration services are charged (on procurement only, DSCA 09-06).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SourceOfSupply {
    /// From Department of Defense stock (source-of-supply code S).
    Stock,
    /// From new procurement (source-of-supply code P).
    Procurement,
}

/// The charges on one line, each with the rate that produced it, to the cent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineCharges {
    /// The line value: quantity × unit price.
    pub value: Money,
    /// The administrative surcharge rate applied (zero when exempt).
    pub administrative_rate: Rate,
    /// The administrative surcharge.
    pub administrative: Money,
    /// The contract administration rate applied (zero on stock lines).
    pub contract_administration_rate: Rate,
    /// The contract administration surcharge.
    pub contract_administration: Money,
    /// The transportation rate applied (zero without a Delivery Term Code).
    pub transportation_rate: Rate,
    /// The transportation charge.
    pub transportation: Money,
    /// The source of the transportation row used (the caller's, for a Delivery Term
    /// Code), shown on the line.
    #[serde(default)]
    pub transportation_source: Option<String>,
    /// The exemption that set the contract administration rate to zero, if any.
    #[serde(default)]
    pub contract_administration_exemption: Option<ContractAdministrationBasis>,
    /// Value plus every charge.
    pub total: Money,
    /// The sources of the rows used.
    pub sources: Vec<String>,
    /// `false` if any row used is unconfirmed.
    pub confirmed: bool,
    /// `true` when the line is not yet accepted, so its key dates are estimates.
    pub estimate: bool,
}

/// What pricing needs to know about a line.
pub(crate) struct PricingInput {
    pub(crate) partner: CountryCode,
    pub(crate) value: Money,
    pub(crate) accepted: NaiveDate,
    pub(crate) implemented: Option<NaiveDate>,
    pub(crate) delivered: Option<NaiveDate>,
    pub(crate) source_of_supply: SourceOfSupply,
    pub(crate) delivery_term: Option<DeliveryTerm>,
    pub(crate) building_partner_capacity: bool,
    pub(crate) estimate: bool,
}

/// The rate of one charge and the row it came from.
struct Priced {
    rate: Rate,
    source: Option<String>,
    confirmed: bool,
}

impl Priced {
    const NONE: Priced = Priced {
        rate: Rate::ZERO,
        source: None,
        confirmed: true,
    };
}

impl Charges {
    fn administrative_priced(&self, line: &PricingInput) -> Result<Priced, SalesError> {
        let admin = self
            .administrative_row(line.accepted, line.implemented)
            .ok_or(SalesError::NoRateInForce {
                charge: ChargeKind::Administrative,
                date: line.accepted,
                delivery_term: None,
            })?;
        let exempt = line.building_partner_capacity
            && self.building_partner_capacity_exempt(line.accepted, line.implemented);
        Ok(match (&self.building_partner_capacity_exemption, exempt) {
            (Some(e), true) => Priced {
                rate: Rate::ZERO,
                source: Some(e.source.clone()),
                confirmed: e.confirmed,
            },
            _ => Priced {
                rate: admin.rate,
                source: Some(admin.source.clone()),
                confirmed: admin.confirmed,
            },
        })
    }

    fn contract_administration_priced(
        &self,
        line: &PricingInput,
    ) -> Result<(Priced, Option<ContractAdministrationBasis>), SalesError> {
        if line.source_of_supply == SourceOfSupply::Stock {
            return Ok((Priced::NONE, None));
        }
        if let Some(e) = self.contract_administration_exemption(line.partner, line.accepted) {
            let priced = Priced {
                rate: Rate::ZERO,
                source: Some(e.source.clone()),
                confirmed: e.confirmed,
            };
            return Ok((priced, Some(e.basis)));
        }
        let row = self
            .contract_administration_row(line.accepted, line.implemented)
            .ok_or(SalesError::NoRateInForce {
                charge: ChargeKind::ContractAdministration,
                date: line.accepted,
                delivery_term: None,
            })?;
        let priced = Priced {
            rate: row.rate,
            source: Some(row.source.clone()),
            confirmed: row.confirmed,
        };
        Ok((priced, None))
    }

    fn transportation_priced(&self, line: &PricingInput) -> Result<Priced, SalesError> {
        let Some(dtc) = line.delivery_term else {
            return Ok(Priced::NONE);
        };
        let date = line.delivered.unwrap_or(line.accepted);
        let row = self
            .transportation_row(dtc, date)
            .ok_or(SalesError::NoRateInForce {
                charge: ChargeKind::Transportation,
                date,
                delivery_term: Some(dtc),
            })?;
        Ok(Priced {
            rate: row.rate,
            source: Some(row.source.clone()),
            confirmed: row.confirmed,
        })
    }

    /// Prices one line with this table.
    pub(crate) fn price(
        &self,
        line: &PricingInput,
        rounding: Rounding,
    ) -> Result<LineCharges, SalesError> {
        let admin = self.administrative_priced(line)?;
        let (cas, exemption) = self.contract_administration_priced(line)?;
        let transport = self.transportation_priced(line)?;
        let administrative = admin.rate.apply(line.value, rounding)?;
        let contract_administration = cas.rate.apply(line.value, rounding)?;
        let transportation = transport.rate.apply(line.value, rounding)?;
        let total = Money::checked_sum([
            line.value,
            administrative,
            contract_administration,
            transportation,
        ])?;
        let confirmed = admin.confirmed && cas.confirmed && transport.confirmed;
        let transportation_source = transport.source.clone();
        let sources = [admin.source, cas.source, transport.source]
            .into_iter()
            .flatten()
            .collect();
        Ok(LineCharges {
            value: line.value,
            administrative_rate: admin.rate,
            administrative,
            contract_administration_rate: cas.rate,
            contract_administration,
            transportation_rate: transport.rate,
            transportation,
            transportation_source,
            contract_administration_exemption: exemption,
            total,
            sources,
            confirmed,
            estimate: line.estimate,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn every_shipped_date_is_real_and_rows_ascend() {
        let table = Charges::current();
        for rows in [&table.administrative, &table.contract_administration] {
            assert!(rows.windows(2).all(|w| w[0].from < w[1].from));
            assert!(rows.iter().all(|r| r.from > NaiveDate::MIN));
            assert!(rows.iter().all(|r| !r.source.is_empty()));
        }
        assert!(table.transportation.is_empty());
    }

    /// DOMAIN.md rule 21, by key date, including the day before and the day of each change.
    #[test]
    fn administrative_rate_by_key_date() {
        let table = Charges::current();
        let rate = |accepted, implemented| {
            table
                .administrative_row(accepted, implemented)
                .unwrap()
                .rate
                .to_string()
        };
        // 1999: implementation decides.
        assert_eq!(rate(d(1999, 5, 1), Some(d(1999, 5, 31))), "3");
        assert_eq!(rate(d(1999, 5, 1), Some(d(1999, 6, 1))), "2.5");
        assert_eq!(rate(d(1999, 5, 1), None), "3");
        // 2006: acceptance decides; an earlier acceptance keeps its implementation rate.
        assert_eq!(rate(d(2006, 7, 31), Some(d(2006, 8, 15))), "2.5");
        assert_eq!(rate(d(2006, 8, 1), None), "3.8");
        assert_eq!(rate(d(2012, 10, 31), Some(d(2012, 11, 5))), "3.8");
        assert_eq!(rate(d(2012, 11, 1), None), "3.5");
        assert_eq!(rate(d(2018, 5, 31), Some(d(2018, 6, 2))), "3.5");
        assert_eq!(rate(d(2018, 6, 1), None), "3.2");
        assert!(table.administrative_row(d(1976, 6, 29), None).is_none());
    }

    #[test]
    fn exemption_and_contract_administration() {
        let table = Charges::current();
        assert!(!table.building_partner_capacity_exempt(d(2020, 9, 30), Some(d(2020, 10, 2))));
        assert!(table.building_partner_capacity_exempt(d(2020, 10, 1), None));
        let cas = |day| {
            table
                .contract_administration_row(day, None)
                .unwrap()
                .rate
                .to_string()
        };
        assert_eq!(cas(d(2014, 11, 5)), "1.5");
        assert_eq!(cas(d(2014, 11, 6)), "1.2");
        assert_eq!(cas(d(2020, 1, 31)), "1.2");
        assert_eq!(cas(d(2020, 2, 1)), "1");
    }

    #[test]
    fn small_case_minimum_window_day_before_of_and_after() {
        let table = Charges::current();
        assert!(table.small_case_minimum(d(2006, 7, 31)).is_none());
        for on in [d(2006, 8, 1), d(2006, 8, 2), d(2012, 7, 1), d(2012, 7, 2)] {
            let row = table.small_case_minimum(on).unwrap();
            assert_eq!(row.minimum, Money::from_cents(1_500_000));
            assert!(row.confirmed);
        }
        assert!(table.small_case_minimum(d(2012, 7, 3)).is_none());
    }

    fn input(partner: &str, accepted: NaiveDate) -> PricingInput {
        PricingInput {
            partner: partner.parse().unwrap(),
            value: Money::from_cents(100_000_000),
            accepted,
            implemented: None,
            delivered: None,
            source_of_supply: SourceOfSupply::Procurement,
            delivery_term: None,
            building_partner_capacity: false,
            estimate: false,
        }
    }

    #[test]
    fn a_waiver_exempts_only_its_partner_and_dates() {
        let mut table = Charges::current();
        table
            .contract_administration_exemptions
            .push(ContractAdministrationExemption {
                partner: "NZL".parse().unwrap(),
                from: d(2021, 1, 1),
                to: Some(d(2022, 1, 1)),
                basis: ContractAdministrationBasis::Waiver,
                source: "test waiver".to_owned(),
                confirmed: true,
            });
        let cas = |partner, on| {
            let priced = table
                .price(&input(partner, on), Rounding::HalfEven)
                .unwrap();
            (
                priced.contract_administration,
                priced.contract_administration_exemption,
            )
        };
        let charged = (Money::from_cents(1_000_000), None);
        let waived = (Money::ZERO, Some(ContractAdministrationBasis::Waiver));
        assert_eq!(cas("NZL", d(2020, 12, 31)), charged);
        assert_eq!(cas("NZL", d(2021, 1, 1)), waived);
        assert_eq!(cas("NZL", d(2021, 12, 31)), waived);
        assert_eq!(cas("NZL", d(2022, 1, 1)), charged);
        assert_eq!(cas("AUS", d(2021, 6, 1)), charged);
        let sources = table
            .price(&input("NZL", d(2021, 6, 1)), Rounding::HalfEven)
            .unwrap()
            .sources;
        assert!(sources.iter().any(|s| s == "test waiver"));
    }

    #[test]
    fn delivery_terms_parse_and_round_trip() {
        for ok in ["4", "5", "9", "A", "Z"] {
            let dtc: DeliveryTerm = ok.parse().unwrap();
            assert_eq!(dtc.to_string(), ok);
            let json = serde_json::to_string(&dtc).unwrap();
            assert_eq!(serde_json::from_str::<DeliveryTerm>(&json).unwrap(), dtc);
        }
        for bad in ["", "a", "10", " ", "-"] {
            assert!(bad.parse::<DeliveryTerm>().is_err(), "{bad:?}");
        }
    }
}
