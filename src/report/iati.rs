//! IATI activity XML, version 2.03: one activity per partner × program.
//!
//! Codes used, from the IATI 2.03 codelists (iatistandard.org/en/iati-standard/203/codelists/,
//! mirrored at github.com/IATI/IATI-Codelists and IATI-Codelists-NonEmbedded; checked
//! against `xml/TransactionType.xml` of the first and `xml/FlowType.xml` of the second):
//!
//! - TransactionType: `2` Outgoing Commitment ("a firm, written obligation from a donor or
//!   provider to provide a specified amount of funds, under particular terms and
//!   conditions") for obligations, upward adjustments and (negative) deobligations; `3`
//!   Disbursement for money placed at the partner's disposal (grant agreements, loans);
//!   `4` Expenditure for money the United States spends on goods and services for the
//!   partner (enrollments, sales cases, transfers, leases, loan-guarantee subsidies and other
//!   instruments). Refunds are negative values of the same type, as IATI asks for returned
//!   funds.
//! - FlowType `50` "Other flows", described "e.g. non-ODA component of peacebuilding
//!   operations" (an active code; `20` OOF is withdrawn since 2015-12-31): military and security
//!   assistance is not ODA (`10`) under the DAC reporting directives (Annex 5, "ODA coverage
//!   of certain conflict, peace building and security expenditures") and is not an OOF
//!   (`21`, "Non-export credit OOF") either, being neither developmental nor commercial.
//! - FinanceType (DAC CRS codes, datasets/dac-crs-codes `finance_types.csv`): `110` Standard
//!   grant, `421` Standard loan. A loan guarantee's obligation is the subsidy cost, which
//!   has no plain finance type; it is left without one.
//! - BudgetType `1` Original, BudgetStatus `2` Committed (allocations are the funds
//!   committed to the activity for the fiscal year); ActivityStatus `2` Implementation;
//!   ActivityDateType `2` Actual start (the first obligation) or `1` Planned start (the
//!   first budget's fiscal year, when nothing is obligated yet); OrganisationRole `1`
//!   Funding and `4` Implementing; OrganisationType `10` Government.
//! - Sectors, two vocabularies, each at 100 percent (IATI asks that the percentages of the
//!   sectors of one vocabulary sum to 100): SectorVocabulary `1`, the OECD DAC CRS 5-digit
//!   purpose code (codelist `Sector`, IATI-Codelists-NonEmbedded `xml/Sector.xml`), so that
//!   the validator finds the DAC sector it asks for; and `99`, Reporting Organisation, with
//!   the program kind as code (the DAC codes have no code for military assistance, which is
//!   not ODA). The DAC code of each program kind is the closest purpose the codelist has:
//!
//!   | program kind | DAC code | codelist name |
//!   |---|---|---|
//!   | training, financing, excess articles, sales, leases | `15210` | Security system management and reform |
//!   | peacekeeping | `15230` | Participation in international peacekeeping operations |
//!   | democracy | `15150` | Democratic participation and civil society |
//!   | humanitarian | `72010` | Material relief assistance and services |
//!   | technology cooperation | `32182` | Technological research and development |
//! - Organisation identifiers (reporting-org and the funding participating-org): an
//!   identifier is a registration agency's prefix from the org-id register (org-id.guide,
//!   replicated by IATI as the `OrganisationRegistrationAgency` codelist), a hyphen, and
//!   the organisation's identifier in that list. `US-GOV`, long used by United States
//!   agencies (`US-GOV-1`), is not in the register, which is why the validator warns on it;
//!   the register's lists for a United States government publisher are `XM-DAC` (OECD DAC
//!   donor and agency codes: `XM-DAC-302` is the United States) and `US-USAGOV` (the USA.gov
//!   directory of federal agencies, the list d-portal moved `US-GOV` identifiers to). The
//!   crate accepts the prefixes in [`IATI_ORG_ID_PREFIXES`] and refuses any other with
//!   [`ReportError::UnregisteredOrgIdPrefix`].

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::ReportError;
use super::transactions::{Flow, Transaction, transactions};
use super::xml::{self, Xml};
use crate::budget::{Dimension, FundsHolder, Instrument, Ledger, StatusQuery};
use crate::fiscal::FiscalYear;
use crate::money::Money;
use crate::partner::CountryCode;
use crate::purpose::ProgramKind;

/// The IATI flow type of every activity: `50`, Other flows (see the module notes).
pub const IATI_FLOW_TYPE: &str = "50";

/// The org-id register prefixes (org-id.guide, the IATI `OrganisationRegistrationAgency`
/// codelist) an [`IatiPublisher::org_ref`] may begin with: `XM-DAC` (OECD DAC donor,
/// agency and channel codes), `US-USAGOV` (USA.gov federal agency directory), `US-EIN`
/// (Internal Revenue Service employer identification numbers) and `XI-IATI` (identifiers
/// the IATI Secretariat allocates). A small table, not the whole register: the lists a
/// United States publisher of security assistance can hold an identifier in.
pub const IATI_ORG_ID_PREFIXES: [&str; 4] = ["XM-DAC", "US-USAGOV", "US-EIN", "XI-IATI"];

/// The OECD DAC CRS 5-digit purpose code (SectorVocabulary `1`) of a program kind, and its
/// codelist name (see the module notes for the mapping and its source).
#[must_use]
const fn dac_sector(program: ProgramKind) -> (&'static str, &'static str) {
    match program {
        ProgramKind::Training
        | ProgramKind::Financing
        | ProgramKind::ExcessArticles
        | ProgramKind::Sales
        | ProgramKind::Leases => ("15210", "Security system management and reform"),
        ProgramKind::Peacekeeping => (
            "15230",
            "Participation in international peacekeeping operations",
        ),
        ProgramKind::Democracy => ("15150", "Democratic participation and civil society"),
        ProgramKind::Humanitarian => ("72010", "Material relief assistance and services"),
        ProgramKind::TechnologyCooperation => ("32182", "Technological research and development"),
    }
}

/// Checks that `org_ref` is a registered prefix, a hyphen and a non-empty identifier.
fn check_org_ref(org_ref: &str) -> Result<(), ReportError> {
    let registered = IATI_ORG_ID_PREFIXES.iter().any(|prefix| {
        org_ref
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_prefix('-'))
            .is_some_and(|id| !id.is_empty())
    });
    if registered {
        Ok(())
    } else {
        Err(ReportError::UnregisteredOrgIdPrefix {
            org_ref: org_ref.to_owned(),
            allowed: IATI_ORG_ID_PREFIXES.join(", "),
        })
    }
}

/// Who publishes an IATI file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct IatiPublisher {
    /// The reporting organisation's IATI identifier, which also prefixes every activity
    /// identifier: a prefix of [`IATI_ORG_ID_PREFIXES`], a hyphen and the organisation's
    /// identifier in that list (such as `XM-DAC-302`, the United States' DAC donor code).
    pub org_ref: String,
    /// The reporting organisation's name.
    pub org_name: String,
}

/// The IATI transaction type of a flow on an instrument (see the module notes).
#[must_use]
const fn transaction_type(flow: Flow, instrument: Instrument) -> &'static str {
    match (flow, instrument) {
        (Flow::Obligation, _) => "2",
        (Flow::Disbursement, Instrument::GrantAgreement | Instrument::Loan) => "3",
        (
            Flow::Disbursement,
            Instrument::Enrollment
            | Instrument::LoanGuarantee
            | Instrument::SalesCase
            | Instrument::Transfer
            | Instrument::Lease
            | Instrument::Other,
        ) => "4",
    }
}

const fn finance_type(instrument: Instrument) -> Option<&'static str> {
    match instrument {
        Instrument::Loan => Some("421"),
        Instrument::LoanGuarantee => None,
        Instrument::Enrollment
        | Instrument::GrantAgreement
        | Instrument::SalesCase
        | Instrument::Transfer
        | Instrument::Lease
        | Instrument::Other => Some("110"),
    }
}

#[derive(Default)]
struct Activity {
    budgets: BTreeMap<FiscalYear, Money>,
    holders: BTreeSet<FundsHolder>,
    transactions: Vec<Transaction>,
}

/// The ledger's activities as of `as_of` as an IATI 2.03 `iati-activities` document: one
/// `iati-activity` per partner × program (allocations without a partner are not IATI
/// activities and are left out), with a budget per fiscal year (the amount allocated) and
/// every obligation, deobligation, disbursement and refund as a transaction (codes in the
/// module notes). Amounts are canonical (`1234.56`, negative for deobligations and
/// refunds), currency USD; the output is deterministic.
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::budget::{Action, AllocationKey, Apportionment, Command, Funding, Instrument, Ledger};
/// use security_assistance::report::{IatiPublisher, iati_activities};
/// use security_assistance::ProgramKind;
///
/// let day = NaiveDate::from_ymd_opt(2008, 1, 2).ok_or("date")?;
/// let account = "011-2008-1082".parse()?;
/// let key = AllocationKey::new("DSCA".parse()?, ProgramKind::Financing, Some("JOR".parse()?));
/// let mut ledger = Ledger::new(std::sync::Arc::new(security_assistance::eligibility::AllowAll));
/// for (id, action) in [
///     ("a", Action::Appropriate { account, title: "FMF".into(),
///         purposes: vec![ProgramKind::Financing], amount: "1000".parse()?, law: "P.L. 110-161".into() }),
///     ("b", Action::Apportion { account,
///         category: Apportionment::ByPeriod { from: day }, amount: "1000".parse()? }),
///     ("c", Action::Allot { account, holder: "DSCA".parse()?, amount: "1000".parse()? }),
///     ("d", Action::Allocate { account, key: key.clone(), amount: "600".parse()? }),
///     ("e", Action::Obligate { account, document: "JO-1".parse()?, instrument: Instrument::GrantAgreement,
///         funding: Funding::Allocation { key }, amount: "400".parse()?, object_class: None, financed_by: Default::default() }),
///     ("f", Action::AdjustObligation { account, document: "JO-1".parse()?, amount: "-50".parse()? }),
/// ] {
///     ledger.apply(Command::new(id.parse()?, day, "me".parse()?, action))?;
/// }
/// let publisher = IatiPublisher { org_ref: "XM-DAC-302".into(), org_name: "United States".into() };
/// let xml = iati_activities(&ledger, day, &publisher)?;
/// assert!(xml.contains("<iati-identifier>XM-DAC-302-financing-JOR</iati-identifier>"));
/// assert!(xml.contains("<sector vocabulary=\"1\" code=\"15210\" percentage=\"100\">"));
/// assert!(xml.contains("<sector vocabulary=\"99\" code=\"financing\" percentage=\"100\">"));
/// // `US-GOV` is not in the org-id register.
/// let unregistered = IatiPublisher { org_ref: "US-GOV-11".into(), org_name: "Department of State".into() };
/// assert!(iati_activities(&ledger, day, &unregistered).is_err());
/// assert!(xml.contains("<default-flow-type code=\"50\"/>"));
/// assert!(xml.contains("<value currency=\"USD\" value-date=\"2008-01-02\">-50.00</value>"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`ReportError::Budget`] if the ledger cannot be replayed to the date,
/// [`ReportError::UnknownDocument`] if the journal names an obligation the ledger lacks,
/// [`ReportError::UnregisteredOrgIdPrefix`] if the publisher's reference does not begin
/// with a prefix of [`IATI_ORG_ID_PREFIXES`] and a hyphen,
/// [`ReportError::XmlCharacter`] if the publisher's reference or name holds a character
/// that XML 1.0 cannot carry (a control character other than tab, line feed and carriage
/// return). Markup characters in them are escaped, never refused.
pub fn iati_activities(
    ledger: &Ledger,
    as_of: NaiveDate,
    publisher: &IatiPublisher,
) -> Result<String, ReportError> {
    let activities = activities(ledger, as_of)?;
    xml::check("the publisher's org_ref", &publisher.org_ref)?;
    check_org_ref(&publisher.org_ref)?;
    xml::check("the publisher's org_name", &publisher.org_name)?;
    let stamp = format!("{as_of}T00:00:00Z");
    let mut x = Xml::new(true)?;
    x.open(
        "iati-activities",
        &[("version", "2.03"), ("generated-datetime", &stamp)],
    )?;
    for ((partner, program), a) in &activities {
        write_activity(&mut x, &stamp, publisher, *partner, *program, a)?;
    }
    x.close("iati-activities")?;
    x.finish()
}

/// The partner × program activities of the ledger as of `as_of`: the amount allocated by
/// fiscal year, the funds holders, and the transactions.
fn activities(
    ledger: &Ledger,
    as_of: NaiveDate,
) -> Result<BTreeMap<(CountryCode, ProgramKind), Activity>, ReportError> {
    let mut activities: BTreeMap<(CountryCode, ProgramKind), Activity> = BTreeMap::new();
    let rows = ledger.status_of_funds(&StatusQuery::new(
        as_of,
        &[
            Dimension::FiscalYear,
            Dimension::Holder,
            Dimension::Program,
            Dimension::Partner,
        ],
    ))?;
    for row in rows {
        let (Some(partner), Some(program), Some(year)) =
            (row.key.partner, row.key.program, row.key.fiscal_year)
        else {
            continue;
        };
        let activity = activities.entry((partner, program)).or_default();
        let budget = activity.budgets.entry(year).or_default();
        *budget = budget.checked_add(row.allocated)?;
        if let Some(holder) = row.key.holder {
            activity.holders.insert(holder);
        }
    }
    for t in transactions(ledger, as_of)? {
        if let Some(partner) = t.key.partner {
            let activity = activities.entry((partner, t.key.program)).or_default();
            activity.holders.insert(t.key.holder.clone());
            activity.transactions.push(t);
        }
    }
    Ok(activities)
}

/// One `iati-activity` element.
fn write_activity(
    x: &mut Xml,
    stamp: &str,
    publisher: &IatiPublisher,
    partner: CountryCode,
    program: ProgramKind,
    a: &Activity,
) -> Result<(), ReportError> {
    let org_ref = publisher.org_ref.as_str();
    let org_name = publisher.org_name.as_str();
    let program_words = program.as_str().replace('_', " ");
    x.open(
        "iati-activity",
        &[
            ("last-updated-datetime", stamp),
            ("xml:lang", "en"),
            ("default-currency", "USD"),
        ],
    )?;
    let identifier = format!("{org_ref}-{program}-{}", partner.alpha3());
    x.element("iati-identifier", &[], &identifier)?;
    x.open("reporting-org", &[("ref", org_ref), ("type", "10")])?;
    x.element("narrative", &[], org_name)?;
    x.close("reporting-org")?;
    x.open("title", &[])?;
    x.element(
        "narrative",
        &[],
        &format!("{program_words} for {}", partner.name()),
    )?;
    x.close("title")?;
    x.open("description", &[])?;
    x.element(
        "narrative",
        &[],
        &format!(
            "Security assistance ({program_words}) to {}, from appropriation to outlay",
            partner.name()
        ),
    )?;
    x.close("description")?;
    x.open(
        "participating-org",
        &[("ref", org_ref), ("role", "1"), ("type", "10")],
    )?;
    x.element("narrative", &[], org_name)?;
    x.close("participating-org")?;
    for holder in &a.holders {
        x.open("participating-org", &[("role", "4"), ("type", "10")])?;
        x.element("narrative", &[], holder.as_str())?;
        x.close("participating-org")?;
    }
    x.empty("activity-status", &[("code", "2")])?;
    let first_obligation = a
        .transactions
        .iter()
        .filter(|t| t.flow == Flow::Obligation)
        .map(|t| t.date)
        .min();
    match (first_obligation, a.budgets.keys().next()) {
        (Some(date), _) => {
            x.empty(
                "activity-date",
                &[("iso-date", &date.to_string()), ("type", "2")],
            )?;
        }
        (None, Some(year)) => {
            x.empty(
                "activity-date",
                &[("iso-date", &year.first_day().to_string()), ("type", "1")],
            )?;
        }
        (None, None) => {}
    }
    write_classification(x, partner, program)?;
    write_budgets_and_transactions(x, a)?;
    x.close("iati-activity")
}

/// An activity's recipient country, its DAC and program-kind sectors and its flow type.
fn write_classification(
    x: &mut Xml,
    partner: CountryCode,
    program: ProgramKind,
) -> Result<(), ReportError> {
    let program_words = program.as_str().replace('_', " ");
    x.empty(
        "recipient-country",
        &[("code", partner.alpha2()), ("percentage", "100")],
    )?;
    let (dac_code, dac_name) = dac_sector(program);
    x.open(
        "sector",
        &[
            ("vocabulary", "1"),
            ("code", dac_code),
            ("percentage", "100"),
        ],
    )?;
    x.element("narrative", &[], dac_name)?;
    x.close("sector")?;
    x.open(
        "sector",
        &[
            ("vocabulary", "99"),
            ("code", program.as_str()),
            ("percentage", "100"),
        ],
    )?;
    x.element("narrative", &[], &program_words)?;
    x.close("sector")?;
    x.empty("default-flow-type", &[("code", IATI_FLOW_TYPE)])?;
    Ok(())
}

/// An activity's budgets (one per fiscal year) and transactions.
fn write_budgets_and_transactions(x: &mut Xml, a: &Activity) -> Result<(), ReportError> {
    for (year, amount) in &a.budgets {
        let start = year.first_day().to_string();
        let end = year.last_day().to_string();
        x.open("budget", &[("type", "1"), ("status", "2")])?;
        x.empty("period-start", &[("iso-date", &start)])?;
        x.empty("period-end", &[("iso-date", &end)])?;
        x.element(
            "value",
            &[("currency", "USD"), ("value-date", &start)],
            &amount.to_decimal().to_string(),
        )?;
        x.close("budget")?;
    }
    for t in &a.transactions {
        let date = t.date.to_string();
        x.open("transaction", &[])?;
        x.empty(
            "transaction-type",
            &[("code", transaction_type(t.flow, t.instrument))],
        )?;
        x.empty("transaction-date", &[("iso-date", &date)])?;
        x.element(
            "value",
            &[("currency", "USD"), ("value-date", &date)],
            &t.amount.to_decimal().to_string(),
        )?;
        x.open("description", &[])?;
        x.element("narrative", &[], &format!("{} {}", t.account, t.document))?;
        x.close("description")?;
        if let Some(code) = finance_type(t.instrument) {
            x.empty("finance-type", &[("code", code)])?;
        }
        x.close("transaction")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    //! The crate's IATI code tables against the IATI codelists vendored in
    //! `tests/data/iati/codelists/` (sources in its README): every code the export can
    //! write, not only those one ledger happens to use.
    #![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

    use std::collections::BTreeMap;

    use super::{
        IATI_FLOW_TYPE, IATI_ORG_ID_PREFIXES, check_org_ref, dac_sector, finance_type,
        transaction_type,
    };
    use crate::budget::Instrument;
    use crate::purpose::ProgramKind;
    use crate::report::transactions::Flow;

    /// Code → (status, English name) of one vendored codelist.
    fn codelist(name: &str) -> BTreeMap<String, (String, String)> {
        use quick_xml::events::Event;
        let path = format!(
            "{}/tests/data/iati/codelists/{name}.xml",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(path).unwrap();
        let mut reader = quick_xml::Reader::from_str(&text);
        let mut out = BTreeMap::new();
        let (mut status, mut code, mut english) = (None, None, None);
        let mut path: Vec<Vec<u8>> = Vec::new();
        loop {
            match reader.read_event().unwrap() {
                Event::Start(e) => {
                    if e.name().as_ref() == b"codelist-item" {
                        let s = e.try_get_attribute("status").unwrap();
                        status = Some(s.map_or("active".to_owned(), |a| {
                            a.unescape_value().unwrap().into_owned()
                        }));
                    }
                    let plain = e.try_get_attribute("xml:lang").unwrap().is_none();
                    path.push(if plain {
                        e.name().as_ref().to_vec()
                    } else {
                        b"other".to_vec()
                    });
                }
                Event::Text(t) if status.is_some() => {
                    let text = t.decode().unwrap().trim().to_owned();
                    match path
                        .iter()
                        .map(Vec::as_slice)
                        .collect::<Vec<_>>()
                        .as_slice()
                    {
                        [.., b"codelist-item", b"code"] => code = Some(text),
                        [.., b"codelist-item", b"name", b"narrative"] => english = Some(text),
                        _ => {}
                    }
                }
                Event::End(e) => {
                    path.pop();
                    if e.name().as_ref() == b"codelist-item" {
                        out.insert(
                            code.take().unwrap(),
                            (status.take().unwrap(), english.take().unwrap_or_default()),
                        );
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        assert!(!out.is_empty(), "{name}: no codes");
        out
    }

    fn active(list: &BTreeMap<String, (String, String)>, code: &str) -> bool {
        list.get(code).is_some_and(|(status, _)| status == "active")
    }

    const INSTRUMENTS: [Instrument; 8] = [
        Instrument::Enrollment,
        Instrument::GrantAgreement,
        Instrument::Loan,
        Instrument::LoanGuarantee,
        Instrument::SalesCase,
        Instrument::Transfer,
        Instrument::Lease,
        Instrument::Other,
    ];

    #[test]
    fn every_dac_sector_is_an_active_sector_code_with_its_codelist_name() {
        let sectors = codelist("Sector");
        for program in ProgramKind::ALL {
            let (code, name) = dac_sector(program);
            let (status, english) = &sectors[code];
            assert_eq!(status, "active", "{program}: {code}");
            assert_eq!(english, name, "{program}: {code}");
        }
    }

    #[test]
    fn every_transaction_and_finance_type_is_an_active_code() {
        let transaction_types = codelist("TransactionType");
        let finance_types = codelist("FinanceType");
        for instrument in INSTRUMENTS {
            for flow in [Flow::Obligation, Flow::Disbursement] {
                let code = transaction_type(flow, instrument);
                assert!(active(&transaction_types, code), "{instrument:?} {code}");
            }
            if let Some(code) = finance_type(instrument) {
                assert!(active(&finance_types, code), "{instrument:?} {code}");
            }
        }
        assert_eq!(transaction_types["2"].1, "Outgoing Commitment");
        assert_eq!(transaction_types["3"].1, "Disbursement");
        assert_eq!(transaction_types["4"].1, "Expenditure");
        assert_eq!(finance_types["110"].1, "Standard grant");
        assert_eq!(finance_types["421"].1, "Standard loan");
    }

    #[test]
    fn the_flow_type_is_active_and_the_withdrawn_oof_code_is_not() {
        let flow_types = codelist("FlowType");
        assert!(active(&flow_types, IATI_FLOW_TYPE));
        assert_eq!(flow_types["20"].0, "withdrawn");
    }

    #[test]
    fn every_org_id_prefix_is_active_in_the_register_and_us_gov_is_not_there() {
        let agencies = codelist("OrganisationRegistrationAgency");
        for prefix in IATI_ORG_ID_PREFIXES {
            assert!(active(&agencies, prefix), "{prefix}");
        }
        assert!(!agencies.contains_key("US-GOV"));
        assert!(check_org_ref("US-GOV-1").is_err());
        assert!(check_org_ref("XM-DAC-302").is_ok());
    }
}
