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
//!   Funding and `4` Implementing; OrganisationType `10` Government; SectorVocabulary `99`
//!   Reporting Organisation, with the program kind as code (the DAC 5-digit sectors have no
//!   code for military assistance).

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

/// Who publishes an IATI file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct IatiPublisher {
    /// The reporting organisation's IATI identifier, which also prefixes every activity
    /// identifier (such as `US-GOV-11`).
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
///         funding: Funding::Allocation { key }, amount: "400".parse()? }),
///     ("f", Action::AdjustObligation { account, document: "JO-1".parse()?, amount: "-50".parse()? }),
/// ] {
///     ledger.apply(Command::new(id.parse()?, day, "me".parse()?, action))?;
/// }
/// let publisher = IatiPublisher { org_ref: "US-GOV-11".into(), org_name: "Department of State".into() };
/// let xml = iati_activities(&ledger, day, &publisher)?;
/// assert!(xml.contains("<iati-identifier>US-GOV-11-financing-JOR</iati-identifier>"));
/// assert!(xml.contains("<default-flow-type code=\"50\"/>"));
/// assert!(xml.contains("<value currency=\"USD\" value-date=\"2008-01-02\">-50.00</value>"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`ReportError::Budget`] if the ledger cannot be replayed to the date,
/// [`ReportError::UnknownDocument`] if the journal names an obligation the ledger lacks,
/// [`ReportError::XmlCharacter`] if the publisher's reference or name holds a character
/// that XML 1.0 cannot carry (a control character other than tab, line feed and carriage
/// return). Markup characters in them are escaped, never refused.
pub fn iati_activities(
    ledger: &Ledger,
    as_of: NaiveDate,
    publisher: &IatiPublisher,
) -> Result<String, ReportError> {
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
    xml::check("the publisher's org_ref", &publisher.org_ref)?;
    xml::check("the publisher's org_name", &publisher.org_name)?;
    let stamp = format!("{as_of}T00:00:00Z");
    let org_ref = publisher.org_ref.as_str();
    let org_name = publisher.org_name.as_str();
    let mut x = Xml::new(true)?;
    x.open(
        "iati-activities",
        &[("version", "2.03"), ("generated-datetime", &stamp)],
    )?;
    for ((partner, program), a) in &activities {
        let program_words = program.as_str().replace('_', " ");
        x.open(
            "iati-activity",
            &[
                ("last-updated-datetime", &stamp),
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
        x.empty(
            "recipient-country",
            &[("code", partner.alpha2()), ("percentage", "100")],
        )?;
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
        x.close("iati-activity")?;
    }
    x.close("iati-activities")?;
    x.finish()
}
