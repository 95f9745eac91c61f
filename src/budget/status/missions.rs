//! Mission areas of obligating documents, and how a status of funds is split by them.
//!
//! The ledger's allocation keys do not carry a mission area; the homeland program keeps
//! it per obligating document. A caller passes it in as a value, a [`MissionRegister`],
//! so that the budget layer can group by it without importing the program.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::StatusRow;
use crate::budget::{AccountSymbol, AllocationKey, BudgetError, DocumentId, Ledger};
use crate::money::Money;
use crate::purpose::MissionArea;

/// The mission area of obligating documents, by account and document id: what a status
/// of funds needs to group by [`Dimension::MissionArea`](super::Dimension::MissionArea)
/// ([`Ledger::status_of_funds_with_missions`]).
///
/// The ledger's allocation keys do not carry a mission area (an allocation of the homeland
/// account is agency × program kind × partner); the homeland program keeps it per
/// obligating document in its [`Oversight`](crate::homeland::Oversight). A register may
/// hold the documents of several accounts: fill it from one or more `Oversight`s
/// ([`MissionRegister::from`], [`MissionRegister::extend_from`]) or tag documents one by
/// one ([`MissionRegister::tag`]).
///
/// A registered document that the ledger does not have on the report's date (a package
/// registered before it is obligated) simply matches nothing.
///
/// ```
/// use security_assistance::homeland::{Agency, MissionArea, Oversight, Tag};
/// use security_assistance::notification::Thresholds;
/// use security_assistance::budget::MissionRegister;
///
/// let account = "070-2008/2009-0100".parse()?;
/// let mut oversight = Oversight::new(account, Thresholds::current().homeland);
/// let tag = Tag { partner: "PAN".parse()?, mission: MissionArea::MaritimeSecurity, agency: Agency::CoastGuard };
/// oversight.register(&[("PA-USCG-1".parse()?, tag)]);
/// let mut register = MissionRegister::from(&oversight);
/// assert_eq!(register.mission(&account, &"PA-USCG-1".parse()?), Some(MissionArea::MaritimeSecurity));
/// // A later tag replaces the earlier one and says what it replaced.
/// let before = register.tag(account, "PA-USCG-1".parse()?, MissionArea::BorderControl);
/// assert_eq!(before, Some(MissionArea::MaritimeSecurity));
/// assert_eq!(register.len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct MissionRegister {
    documents: BTreeMap<AccountSymbol, BTreeMap<DocumentId, MissionArea>>,
}

impl MissionRegister {
    /// An empty register: every amount falls under [`MissionKey::Unassigned`].
    #[must_use]
    pub fn new() -> MissionRegister {
        MissionRegister::default()
    }

    /// Tags `document` of `account` with `mission`; returns the mission area it replaced,
    /// if the document was tagged already.
    pub fn tag(
        &mut self,
        account: AccountSymbol,
        document: DocumentId,
        mission: MissionArea,
    ) -> Option<MissionArea> {
        self.documents
            .entry(account)
            .or_default()
            .insert(document, mission)
    }

    /// The mission area of `document` in `account`, if it is tagged.
    #[must_use]
    pub fn mission(&self, account: &AccountSymbol, document: &DocumentId) -> Option<MissionArea> {
        self.documents.get(account)?.get(document).copied()
    }

    /// How many documents are tagged.
    #[must_use]
    pub fn len(&self) -> usize {
        self.documents.values().map(BTreeMap::len).sum()
    }

    /// `true` when no document is tagged.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.documents.values().all(BTreeMap::is_empty)
    }
}

/// The mission area of a [`StatusKey`](super::StatusKey) grouped by
/// [`Dimension::MissionArea`](super::Dimension::MissionArea): a mission area,
/// or the explicit `Unassigned` share of funds not tied to a tagged document. Areas sort
/// in priority order, `Unassigned` last.
///
/// ```
/// use security_assistance::homeland::MissionArea;
/// use security_assistance::budget::MissionKey;
///
/// assert_eq!(MissionKey::Area(MissionArea::BorderControl).to_string(), "border_control");
/// assert_eq!(MissionKey::Unassigned.to_string(), "unassigned");
/// assert!(MissionKey::Area(MissionArea::DisasterResponse) < MissionKey::Unassigned);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum MissionKey {
    /// Obligations on documents tagged with this mission area.
    Area(MissionArea),
    /// Everything else: authority not yet obligated, commitments, obligations on
    /// untagged documents, recoveries, and authority that never reached an allocation.
    Unassigned,
}

impl fmt::Display for MissionKey {
    /// The mission area's code (such as `aviation_security`), or `unassigned`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            MissionKey::Area(area) => area.code(),
            MissionKey::Unassigned => "unassigned",
        })
    }
}

/// Obligated and disbursed on one mission area's documents under one allocation.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct TaggedSums {
    obligated: Money,
    disbursed: Money,
}

/// Tagged obligations of a ledger (as it stood on the report's date), per allocation and
/// mission area.
pub(crate) type TaggedObligations =
    BTreeMap<(AccountSymbol, AllocationKey), BTreeMap<MissionArea, TaggedSums>>;

/// The obligations of the documents in `register`, summed per allocation and mission area.
pub(crate) fn tagged_obligations(
    ledger: &Ledger,
    register: &MissionRegister,
) -> Result<TaggedObligations, BudgetError> {
    let mut out = TaggedObligations::new();
    for (account, documents) in &register.documents {
        for (document, mission) in documents {
            let Some(balance) = ledger.obligation(account, document) else {
                continue;
            };
            let sums = out
                .entry((*account, balance.key))
                .or_default()
                .entry(*mission)
                .or_default();
            sums.obligated = sums.obligated.checked_add(balance.obligated)?;
            sums.disbursed = sums.disbursed.checked_add(balance.disbursed)?;
        }
    }
    Ok(out)
}

/// Splits the row of one allocation (`key` of `account`) by mission area; see
/// [`Dimension::MissionArea`](super::Dimension::MissionArea) for the rule. The pieces add
/// up to `row` in every column, to the cent.
pub(crate) fn split(
    account: AccountSymbol,
    key: &AllocationKey,
    row: StatusRow,
    tagged: &TaggedObligations,
) -> Result<Vec<(MissionKey, StatusRow)>, BudgetError> {
    let Some(areas) = tagged.get(&(account, key.clone())) else {
        return Ok(vec![(MissionKey::Unassigned, row)]);
    };
    let mut rest = row.clone();
    let mut pieces = Vec::with_capacity(areas.len().saturating_add(1));
    for (area, sums) in areas {
        let bound = sums.obligated;
        // A piece's key and account status are its caller's to set (`grouping::add`
        // keeps the row's own key and adds only the amounts).
        let piece = StatusRow {
            budget_authority: bound,
            apportioned: bound,
            allotted: bound,
            allocated: bound,
            obligated: bound,
            disbursed: sums.disbursed,
            unliquidated: bound.checked_sub(sums.disbursed)?,
            ..StatusRow::default()
        };
        rest.subtract(&piece)?;
        pieces.push((MissionKey::Area(*area), piece));
    }
    // The ledger keeps an allocation's obligations as the sum of its documents', so what
    // is left for the unassigned share is never negative. That is the ledger's invariant,
    // not this function's to assert (no assertion that input could reach, issue 17): the
    // fuzz harness (`tests/fuzzing/harness.rs`) groups every accepted state by mission area
    // with tagged and untagged documents and reports any negative column.
    pieces.push((MissionKey::Unassigned, rest));
    Ok(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::budget::StatusKey;

    fn m(s: &str) -> Money {
        s.parse().unwrap()
    }

    fn slot_row() -> StatusRow {
        StatusRow {
            key: StatusKey {
                account: "070-2008/2009-0100".parse().ok(),
                holder: "USCG".parse().ok(),
                program: Some(crate::ProgramKind::Training),
                partner: "PAN".parse().ok(),
                ..StatusKey::default()
            },
            budget_authority: m("1000"),
            apportioned: m("1000"),
            allotted: m("1000"),
            allocated: m("1000"),
            committed: m("50"),
            obligated: m("600.10"),
            unobligated: m("399.90"),
            disbursed: m("200"),
            unliquidated: m("400.10"),
            recoveries: m("25"),
            ..StatusRow::default()
        }
    }

    fn account(row: &StatusRow) -> AccountSymbol {
        row.key.account.unwrap()
    }

    fn key(row: &StatusRow) -> AllocationKey {
        AllocationKey::new(
            row.key.holder.clone().unwrap(),
            row.key.program.unwrap(),
            row.key.partner,
        )
    }

    fn tagged(row: &StatusRow, areas: &[(MissionArea, &str, &str)]) -> TaggedObligations {
        let key = key(row);
        let mut map = BTreeMap::new();
        for (area, obligated, disbursed) in areas {
            map.insert(
                *area,
                TaggedSums {
                    obligated: m(obligated),
                    disbursed: m(disbursed),
                },
            );
        }
        let mut out = TaggedObligations::new();
        if let Some(account) = row.key.account {
            out.insert((account, key), map);
        }
        out
    }

    #[test]
    fn pieces_add_up_to_the_row_and_keep_the_identities() {
        let row = slot_row();
        let tags = tagged(
            &row,
            &[
                (MissionArea::MaritimeSecurity, "300", "150"),
                (MissionArea::BorderControl, "200.10", "0"),
            ],
        );
        let pieces = split(account(&row), &key(&row), row.clone(), &tags).unwrap();
        let keys: Vec<MissionKey> = pieces.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            keys,
            [
                MissionKey::Area(MissionArea::MaritimeSecurity),
                MissionKey::Area(MissionArea::BorderControl),
                MissionKey::Unassigned
            ]
        );
        let mut sum = [Money::ZERO; 10];
        for (_, piece) in &pieces {
            for (s, a) in sum.iter_mut().zip(piece.amounts()) {
                *s = s.checked_add(a).unwrap();
            }
            assert_eq!(
                piece.budget_authority,
                piece.obligated.checked_add(piece.unobligated).unwrap()
            );
            assert_eq!(
                piece.obligated,
                piece.disbursed.checked_add(piece.unliquidated).unwrap()
            );
        }
        assert_eq!(sum, row.amounts());
        let maritime = &pieces[0].1;
        assert_eq!(maritime.allocated, m("300"));
        assert_eq!(maritime.unliquidated, m("150"));
        assert_eq!(maritime.committed, Money::ZERO);
        let rest = &pieces[2].1;
        assert_eq!(rest.obligated, m("100"));
        assert_eq!(rest.unobligated, m("399.90"));
        assert_eq!(rest.committed, m("50"));
        assert_eq!(rest.recoveries, m("25"));
    }

    #[test]
    fn rows_above_the_allocation_or_without_tags_are_unassigned() {
        // Rows above the allocation (no program) are never split: the status of funds
        // gives them to `Unassigned` without asking (see `grouping`).
        let row = slot_row();
        let tags = tagged(&row, &[(MissionArea::MaritimeSecurity, "300", "0")]);
        let mut other_partner = row;
        other_partner.key.partner = "MEX".parse().ok();
        let pieces = split(
            account(&other_partner),
            &key(&other_partner),
            other_partner.clone(),
            &tags,
        )
        .unwrap();
        assert_eq!(pieces, [(MissionKey::Unassigned, other_partner)]);
    }
}
