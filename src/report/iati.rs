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
use std::fmt::Write as _;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::ReportError;
use super::transactions::{Flow, Transaction, transactions};
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

/// Escapes text for XML element content and attribute values.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
    out
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
/// let mut ledger = Ledger::new();
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
/// [`ReportError::UnknownDocument`] if the journal names an obligation the ledger lacks.
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
    let stamp = format!("{as_of}T00:00:00Z");
    let org_ref = escape(&publisher.org_ref);
    let org_name = escape(&publisher.org_name);
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<iati-activities version=\"2.03\" generated-datetime=\"{stamp}\">"
    );
    for ((partner, program), a) in &activities {
        let program_words = program.as_str().replace('_', " ");
        let _ = writeln!(
            x,
            "  <iati-activity last-updated-datetime=\"{stamp}\" xml:lang=\"en\" default-currency=\"USD\">"
        );
        let _ = writeln!(
            x,
            "    <iati-identifier>{org_ref}-{program}-{}</iati-identifier>",
            partner.alpha3()
        );
        let _ = writeln!(
            x,
            "    <reporting-org ref=\"{org_ref}\" type=\"10\"><narrative>{org_name}</narrative></reporting-org>"
        );
        let _ = writeln!(
            x,
            "    <title><narrative>{} for {}</narrative></title>",
            escape(&program_words),
            escape(partner.name())
        );
        let _ = writeln!(
            x,
            "    <description><narrative>Security assistance ({}) to {}, from appropriation to outlay</narrative></description>",
            escape(&program_words),
            escape(partner.name())
        );
        let _ = writeln!(
            x,
            "    <participating-org ref=\"{org_ref}\" role=\"1\" type=\"10\"><narrative>{org_name}</narrative></participating-org>"
        );
        for holder in &a.holders {
            let _ = writeln!(
                x,
                "    <participating-org role=\"4\" type=\"10\"><narrative>{}</narrative></participating-org>",
                escape(holder.as_str())
            );
        }
        x.push_str("    <activity-status code=\"2\"/>\n");
        let first_obligation = a
            .transactions
            .iter()
            .filter(|t| t.flow == Flow::Obligation)
            .map(|t| t.date)
            .min();
        match (first_obligation, a.budgets.keys().next()) {
            (Some(date), _) => {
                let _ = writeln!(x, "    <activity-date iso-date=\"{date}\" type=\"2\"/>");
            }
            (None, Some(year)) => {
                let _ = writeln!(
                    x,
                    "    <activity-date iso-date=\"{}\" type=\"1\"/>",
                    year.first_day()
                );
            }
            (None, None) => {}
        }
        let _ = writeln!(
            x,
            "    <recipient-country code=\"{}\" percentage=\"100\"/>",
            partner.alpha2()
        );
        let _ = writeln!(
            x,
            "    <sector vocabulary=\"99\" code=\"{program}\" percentage=\"100\"><narrative>{}</narrative></sector>",
            escape(&program_words)
        );
        let _ = writeln!(x, "    <default-flow-type code=\"{IATI_FLOW_TYPE}\"/>");
        for (year, amount) in &a.budgets {
            let (start, end) = (year.first_day(), year.last_day());
            let _ = writeln!(
                x,
                "    <budget type=\"1\" status=\"2\"><period-start iso-date=\"{start}\"/><period-end iso-date=\"{end}\"/><value currency=\"USD\" value-date=\"{start}\">{}</value></budget>",
                amount.to_decimal()
            );
        }
        for t in &a.transactions {
            let _ = write!(
                x,
                "    <transaction><transaction-type code=\"{}\"/><transaction-date iso-date=\"{}\"/><value currency=\"USD\" value-date=\"{}\">{}</value><description><narrative>{} {}</narrative></description>",
                transaction_type(t.flow, t.instrument),
                t.date,
                t.date,
                t.amount.to_decimal(),
                t.account,
                escape(t.document.as_str())
            );
            if let Some(code) = finance_type(t.instrument) {
                let _ = write!(x, "<finance-type code=\"{code}\"/>");
            }
            x.push_str("</transaction>\n");
        }
        x.push_str("  </iati-activity>\n");
    }
    x.push_str("</iati-activities>\n");
    Ok(x)
}
