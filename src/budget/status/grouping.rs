//! How a status of funds is computed: every dollar at its deepest level (an account's
//! unallotted authority, a holder's unallocated allotment, an allocation or, by mission
//! area, a tagged document's obligation), filtered, keyed by the grouped dimensions and
//! summed.

use std::collections::BTreeMap;

use super::classes::{ClassedObligations, classed_obligations, split_by_class};
use super::missions::{TaggedObligations, split, tagged_obligations};
use super::{
    Dimension, MissionKey, MissionRegister, StatusFilter, StatusKey, StatusQuery, StatusRow,
};
use crate::budget::agency::Agency;
use crate::budget::command::AllocationKey;
use crate::budget::error::BudgetError;
use crate::budget::ids::{AccountSymbol, FundsHolder};
use crate::budget::ledger::{AccountState, Ledger};
use crate::budget::object_class::ObjectClass;
use crate::partner::CountryCode;
use crate::purpose::ProgramKind;

/// Money at its deepest level, with every dimension it has, before grouping.
struct Piece<'a> {
    holder: Option<&'a FundsHolder>,
    program: Option<ProgramKind>,
    partner: Option<CountryCode>,
    mission: MissionKey,
    object_class: Option<ObjectClass>,
    row: StatusRow,
}

impl<'a> Piece<'a> {
    fn new(
        holder: Option<&'a FundsHolder>,
        program: Option<ProgramKind>,
        partner: Option<CountryCode>,
        row: StatusRow,
    ) -> Self {
        Piece {
            holder,
            program,
            partner,
            mission: MissionKey::Unassigned,
            object_class: None,
            row,
        }
    }

    fn agency(&self) -> Option<Agency> {
        self.holder.and_then(Agency::from_holder)
    }

    /// Whether the filter keeps this piece (the account's dimensions are checked before).
    fn matches(&self, f: &StatusFilter) -> bool {
        f.holder.as_ref().is_none_or(|h| Some(h) == self.holder)
            && f.program.is_none_or(|p| Some(p) == self.program)
            && f.partner.is_none_or(|p| Some(p) == self.partner)
            && f.region
                .is_none_or(|r| Some(r) == self.partner.map(|p| p.region()))
            && f.agency.is_none_or(|a| Some(a) == self.agency())
            && f.mission_area.is_none_or(|m| m == self.mission)
            && f.object_class.is_none_or(|c| Some(c) == self.object_class)
    }

    /// The row key of this piece of `account` under `query`'s grouping.
    fn key(&self, account: AccountSymbol, query: &StatusQuery) -> StatusKey {
        let grouped = |d: Dimension| query.groups_by(d);
        StatusKey {
            account: grouped(Dimension::Account).then_some(account),
            fiscal_year: grouped(Dimension::FiscalYear).then(|| account.period().first()),
            holder: self.holder.filter(|_| grouped(Dimension::Holder)).cloned(),
            program: self.program.filter(|_| grouped(Dimension::Program)),
            partner: self.partner.filter(|_| grouped(Dimension::Partner)),
            region: self
                .partner
                .filter(|_| grouped(Dimension::Region))
                .map(|p| p.region()),
            agency: self.agency().filter(|_| grouped(Dimension::Agency)),
            mission_area: grouped(Dimension::MissionArea).then_some(self.mission),
            object_class: self
                .object_class
                .filter(|_| grouped(Dimension::ObjectClass)),
        }
    }
}

/// The status of funds of `ledger` (already as of the query's dates) for `query`.
pub(super) fn status_rows(
    ledger: &Ledger,
    query: &StatusQuery,
    missions: &MissionRegister,
) -> Result<Vec<StatusRow>, BudgetError> {
    let by_mission = query.groups_by(Dimension::MissionArea) || query.filter.mission_area.is_some();
    let by_class = query.groups_by(Dimension::ObjectClass) || query.filter.object_class.is_some();
    let tagged = if by_mission && !missions.is_empty() && !by_class {
        tagged_obligations(ledger, missions)?
    } else {
        TaggedObligations::new()
    };
    let documents = Documents {
        tagged,
        classed: if by_class {
            let register = if by_mission {
                missions
            } else {
                &MissionRegister::new()
            };
            Some(classed_obligations(ledger, register)?)
        } else {
            None
        },
    };
    let f = &query.filter;
    let mut rows: BTreeMap<StatusKey, StatusRow> = BTreeMap::new();
    for symbol in ledger.accounts() {
        let acct = ledger.account(&symbol)?;
        let fy = symbol.period().first();
        if f.account.is_some_and(|a| a != symbol) || f.fiscal_year.is_some_and(|y| y != fy) {
            continue;
        }
        for piece in pieces(symbol, acct, &documents)? {
            if piece.matches(f) {
                add(&mut rows, query, symbol, &piece)?;
            }
        }
    }
    Ok(rows.into_values().filter(|r| !is_zero(r)).collect())
}

/// Adds `piece` of account `symbol` to the row of its key.
fn add(
    rows: &mut BTreeMap<StatusKey, StatusRow>,
    query: &StatusQuery,
    symbol: AccountSymbol,
    piece: &Piece<'_>,
) -> Result<(), BudgetError> {
    let key = piece.key(symbol, query);
    let entry = rows.entry(key.clone()).or_insert_with(|| StatusRow {
        key,
        account_status: query
            .groups_by(Dimension::Account)
            .then(|| symbol.period().status_on(query.as_of)),
        ..StatusRow::default()
    });
    entry.add(&piece.row)
}

/// What the allocations are split by: the mission areas of tagged documents, or (grouped
/// or filtered by object class) every document's object class and mission key.
struct Documents {
    tagged: TaggedObligations,
    classed: Option<ClassedObligations>,
}

/// Every dollar of `acct` at its deepest level: the authority not yet allotted, each
/// holder's allotment not yet allocated, and each allocation (split by its documents as
/// `documents` says).
fn pieces<'a>(
    symbol: AccountSymbol,
    acct: &'a AccountState,
    documents: &Documents,
) -> Result<Vec<Piece<'a>>, BudgetError> {
    let mut out = Vec::new();
    // Authority not yet allotted rests at the account.
    let authority = acct.authority()?;
    let unallotted = authority.checked_sub(acct.allotted)?;
    let residual = StatusRow {
        budget_authority: unallotted,
        apportioned: acct.apportioned.checked_sub(acct.allotted)?,
        unobligated: unallotted,
        ..StatusRow::default()
    };
    out.push(Piece::new(None, None, None, residual));
    let mut holders: Vec<_> = acct.allotments.iter().collect();
    holders.sort_unstable_by(|a, b| a.0.cmp(b.0));
    for (holder, allotment) in holders {
        let rest = allotment.allotted.checked_sub(allotment.allocated)?;
        let row = StatusRow {
            budget_authority: rest,
            apportioned: rest,
            allotted: rest,
            unobligated: rest,
            ..StatusRow::default()
        };
        out.push(Piece::new(Some(holder), None, None, row));
    }
    let mut slots: Vec<_> = acct.allocations.iter().collect();
    slots.sort_unstable_by(|a, b| a.0.cmp(b.0));
    for (key, slot) in slots {
        let row = StatusRow {
            budget_authority: slot.allocated,
            apportioned: slot.allocated,
            allotted: slot.allocated,
            allocated: slot.allocated,
            committed: slot.committed,
            obligated: slot.obligated,
            unobligated: slot.allocated.checked_sub(slot.obligated)?,
            disbursed: slot.disbursed,
            unliquidated: slot.obligated.checked_sub(slot.disbursed)?,
            recoveries: slot.recoveries,
            ..StatusRow::default()
        };
        out.extend(allocation_pieces(symbol, key, row, documents)?);
    }
    Ok(out)
}

/// The pieces of one allocation: the whole row, unassigned, or its split by object class
/// (and mission key), or by mission area.
fn allocation_pieces<'a>(
    symbol: AccountSymbol,
    key: &'a AllocationKey,
    row: StatusRow,
    documents: &Documents,
) -> Result<Vec<Piece<'a>>, BudgetError> {
    let pieces = if let Some(classed) = &documents.classed {
        split_by_class(symbol, key, row, classed)?
    } else if documents.tagged.is_empty() {
        vec![(MissionKey::Unassigned, None, row)]
    } else {
        split(symbol, key, row, &documents.tagged)?
            .into_iter()
            .map(|(mission, row)| (mission, None, row))
            .collect()
    };
    Ok(pieces
        .into_iter()
        .map(|(mission, object_class, row)| Piece {
            mission,
            object_class,
            ..Piece::new(Some(&key.holder), Some(key.program), key.partner, row)
        })
        .collect())
}

fn is_zero(row: &StatusRow) -> bool {
    row.amounts().iter().all(|a| a.is_zero())
}
