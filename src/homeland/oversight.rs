//! Oversight: the committees of jurisdiction and a quarterly status.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::error::HomelandError;
use super::package::Package;
use super::standards::StandardRef;
use super::{Agency, MissionArea};
use crate::budget::{AccountSymbol, DocumentId, Ledger, MissionRegister};
use crate::fiscal::FiscalYear;
use crate::money::{Money, MoneyError};
use crate::notification::{Committee, HomelandPolicy};
use crate::partner::CountryCode;

/// What an obligating document of the homeland account is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tag {
    /// The partner.
    pub partner: CountryCode,
    /// The mission area.
    pub mission: MissionArea,
    /// The implementing agency.
    pub agency: Agency,
}

/// What a package planned to buy on one obligating document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// The package's id.
    pub package: String,
    /// The offerings and their shares of the document's planned amount, sorted by
    /// offering id.
    pub lines: Vec<PlanLine>,
}

impl Plan {
    /// The document's planned amount: the sum of the lines.
    ///
    /// # Errors
    ///
    /// [`MoneyError`] on overflow.
    pub fn amount(&self) -> Result<Money, MoneyError> {
        Money::checked_sum(self.lines.iter().map(|l| l.amount))
    }
}

/// One offering's share of an obligating document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanLine {
    /// The offering id.
    pub offering: String,
    /// Its share of the document's planned amount.
    pub amount: Money,
    /// The standards the offering builds toward (empty, and absent from JSON, if none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub standards: Vec<StandardRef>,
}

/// One row of the quarterly status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuarterRow {
    /// Partner, mission area and agency.
    pub tag: Tag,
    /// Obligated, net of adjustments, to the end of the quarter.
    pub obligated: Money,
    /// Disbursed, net of refunds, to the end of the quarter.
    pub disbursed: Money,
    /// Obligated and not yet disbursed.
    pub unliquidated: Money,
    /// How many documents.
    pub documents: usize,
}

/// The program's oversight: the committees of jurisdiction (from the notification
/// policy) and the register of the homeland account's documents, tagged by partner,
/// mission area and agency, from which the quarterly status is read off the ledger.
///
/// The mission area is not part of the ledger's allocation keys, so homeland keeps it per
/// document ([`Package::tags`](super::Package::tags) gives the tags of a package).
///
/// ```
/// use security_assistance::budget::Ledger;
/// use security_assistance::homeland::Oversight;
/// use security_assistance::notification::{Committee, Thresholds};
///
/// let oversight = Oversight::new("070-2008/2009-0100".parse()?, Thresholds::current().homeland);
/// assert!(oversight.committees().contains(&Committee::HouseHomelandSecurity));
/// let date = chrono::NaiveDate::from_ymd_opt(2008, 3, 31).ok_or("date")?;
/// assert!(oversight.quarterly_status(&Ledger::new(std::sync::Arc::new(security_assistance::eligibility::AllowAll)), date)?.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Oversight {
    account: AccountSymbol,
    policy: HomelandPolicy,
    documents: BTreeMap<DocumentId, Tag>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    plans: BTreeMap<DocumentId, Plan>,
}

impl Oversight {
    /// Oversight of `account` under `policy`.
    #[must_use]
    pub fn new(account: AccountSymbol, policy: HomelandPolicy) -> Oversight {
        Oversight {
            account,
            policy,
            documents: BTreeMap::new(),
            plans: BTreeMap::new(),
        }
    }

    /// The committees of jurisdiction.
    #[must_use]
    pub fn committees(&self) -> &[Committee] {
        &self.policy.committees
    }

    /// The advance notice the policy asks, in days.
    #[must_use]
    pub fn review_days(&self) -> u32 {
        self.policy.review_days
    }

    /// The homeland account whose documents are registered.
    #[must_use]
    pub fn account(&self) -> AccountSymbol {
        self.account
    }

    /// The registered documents and their tags, sorted by document id.
    ///
    /// ```
    /// use security_assistance::homeland::{Agency, MissionArea, Oversight, Tag};
    /// use security_assistance::notification::Thresholds;
    ///
    /// let mut oversight = Oversight::new("070-2008/2009-0100".parse()?, Thresholds::current().homeland);
    /// let tag = Tag { partner: "PAN".parse()?, mission: MissionArea::MaritimeSecurity, agency: Agency::CoastGuard };
    /// oversight.register(&[("PA-USCG-1".parse()?, tag)]);
    /// let tags: Vec<_> = oversight.tags().collect();
    /// assert_eq!(tags.len(), 1);
    /// assert_eq!(tags[0].1.mission, MissionArea::MaritimeSecurity);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn tags(&self) -> impl Iterator<Item = (&DocumentId, &Tag)> {
        self.documents.iter()
    }

    /// Records the tags of documents (a later tag for the same document replaces the
    /// earlier).
    pub fn register<'a>(&mut self, tags: impl IntoIterator<Item = &'a (DocumentId, Tag)>) {
        for (document, tag) in tags {
            self.documents.insert(document.clone(), *tag);
        }
    }

    /// Registers a package's documents: their tags ([`Package::tags`]) and what each buys
    /// ([`Package::plans`]), which the interoperability report reads. A document
    /// registered again is replaced.
    pub fn register_package(&mut self, package: &Package) {
        self.register(package.tags());
        for (document, plan) in package.plans() {
            self.plans.insert(document.clone(), plan.clone());
        }
    }

    /// The plans of the documents registered with [`Oversight::register_package`], with
    /// their tags, sorted by document id.
    pub fn plans(&self) -> impl Iterator<Item = (&DocumentId, &Tag, &Plan)> {
        self.plans.iter().filter_map(|(document, plan)| {
            self.documents
                .get(document)
                .map(|tag| (document, tag, plan))
        })
    }

    /// The status at the end of the fiscal-year quarter that contains `date`, by partner,
    /// mission area and agency, from the registered documents' obligations in the ledger
    /// as it stood that day. Rows are sorted by tag; documents not yet obligated are left
    /// out.
    ///
    /// # Errors
    ///
    /// [`HomelandError::Budget`] if the ledger cannot be rebuilt as of that day;
    /// [`HomelandError::Money`] on overflow.
    pub fn quarterly_status(
        &self,
        ledger: &Ledger,
        date: NaiveDate,
    ) -> Result<Vec<QuarterRow>, HomelandError> {
        let end = quarter_end(date);
        let then = ledger.as_known(end, None).map_err(Box::new)?;
        let mut rows: BTreeMap<Tag, QuarterRow> = BTreeMap::new();
        for (document, tag) in &self.documents {
            let Some(balance) = then.obligation(&self.account, document) else {
                continue;
            };
            let row = rows.entry(*tag).or_insert(QuarterRow {
                tag: *tag,
                obligated: Money::ZERO,
                disbursed: Money::ZERO,
                unliquidated: Money::ZERO,
                documents: 0,
            });
            row.obligated = row.obligated.checked_add(balance.obligated)?;
            row.disbursed = row.disbursed.checked_add(balance.disbursed)?;
            row.unliquidated = row.obligated.checked_sub(row.disbursed)?;
            row.documents = row.documents.saturating_add(1);
        }
        Ok(rows.into_values().collect())
    }
}

/// The last day of the fiscal-year quarter containing `date` (Dec 31, Mar 31, Jun 30,
/// Sep 30).
fn quarter_end(date: NaiveDate) -> NaiveDate {
    let first = FiscalYear::containing(date).first_day();
    for months in [3_u32, 6, 9, 12] {
        let end = first
            .checked_add_months(chrono::Months::new(months))
            .and_then(|d| d.pred_opt());
        if let Some(end) = end
            && end >= date
        {
            return end;
        }
    }
    date
}

impl MissionRegister {
    /// Adds the documents an [`Oversight`] registered for its account (a document tagged
    /// again takes the oversight's mission area).
    pub fn extend_from(&mut self, oversight: &Oversight) {
        for (document, tag) in oversight.tags() {
            self.tag(oversight.account(), document.clone(), tag.mission);
        }
    }
}

impl From<&Oversight> for MissionRegister {
    fn from(oversight: &Oversight) -> MissionRegister {
        let mut register = MissionRegister::new();
        register.extend_from(oversight);
        register
    }
}

#[cfg(test)]
mod register_tests {
    use super::*;

    #[test]
    fn a_register_reads_an_oversight_and_replaces_tags() {
        use crate::homeland::{Agency, Tag};
        use crate::notification::Thresholds;
        let account: AccountSymbol = "070-2008/2009-0100".parse().unwrap();
        let other: AccountSymbol = "070-2009/2010-0100".parse().unwrap();
        let doc = |s: &str| s.parse::<DocumentId>().unwrap();
        let mut oversight = Oversight::new(account, Thresholds::current().homeland);
        let tag = Tag {
            partner: "PAN".parse().unwrap(),
            mission: MissionArea::AviationSecurity,
            agency: Agency::TransportationSecurityAdministration,
        };
        oversight.register(&[(doc("A-1"), tag)]);
        let mut register = MissionRegister::new();
        assert!(register.is_empty());
        assert_eq!(
            register.tag(other, doc("A-1"), MissionArea::DisasterResponse),
            None
        );
        register.extend_from(&oversight);
        assert_eq!(register.len(), 2);
        // Same document id, different accounts: two documents.
        assert_eq!(
            register.mission(&account, &doc("A-1")),
            Some(MissionArea::AviationSecurity)
        );
        assert_eq!(
            register.mission(&other, &doc("A-1")),
            Some(MissionArea::DisasterResponse)
        );
        assert_eq!(register.mission(&account, &doc("A-2")), None);
        let json = serde_json::to_string(&register).unwrap();
        let back: MissionRegister = serde_json::from_str(&json).unwrap();
        assert_eq!(back, register);
    }
}
