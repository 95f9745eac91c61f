//! Building Partner Capacity cases obligate in the ledger against the appropriation that
//! funds them (issue 19).
//!
//! A BPC case is paid for by a United States appropriation, not by the partner's cash:
//! the LOA names the appropriation as "the only source of funding for costs associated
//! with this Building Partner Capacity (BPC) Letter of Offer and Acceptance (LOA)", its
//! funds "limited to the total estimated cost of this BPC LOA", carrying "the same time,
//! purpose, and availability restrictions" as the appropriation (SAMM, LOA note "Fund
//! Source and Availability – Title 22 Building Partner Capacity", samm.dsca.mil). The
//! accepted LOA is a binding written agreement, so the case's total is recorded as an
//! obligation of that appropriation (31 U.S.C. 1501(a)(1)), through the ledger's public
//! [`Action::Obligate`] command, where purpose, time, amount and eligibility are checked
//! as for any other obligation.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Case, CaseKind, CaseState, SalesError};
use crate::budget::{
    AccountSymbol, Action, Actor, AllocationKey, Command, CommandId, Funding, Instrument, Ledger,
    Receipt,
};

/// The appropriation that funds a Building Partner Capacity case: the account and the
/// allocation charged (its partner, if any, must be the case's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BpcFunding {
    /// The account of the funding appropriation.
    pub account: AccountSymbol,
    /// The allocation charged.
    pub key: AllocationKey,
}

/// The states in which a BPC case may be obligated: once its LOA is accepted.
const OBLIGABLE: &[CaseState] = &[
    CaseState::Accepted,
    CaseState::Implemented,
    CaseState::SupplyComplete,
];

impl Case {
    /// Obligates this Building Partner Capacity case's total in `ledger` against the
    /// appropriation that funds it, on `date`, as command `id` by `actor`: an
    /// [`Action::Obligate`] of the case's document, instrument
    /// [`Instrument::SalesCase`], from `funding`'s allocation.
    ///
    /// # Errors
    ///
    /// In precedence order, each leaving the ledger unchanged:
    /// [`SalesError::NotBuildingPartnerCapacity`] for a sale to the partner (its partner
    /// pays through the trust fund); [`SalesError::NotAccepted`] before the LOA is
    /// accepted or after closure or cancellation; [`SalesError::CrossPartner`] when the
    /// allocation is another partner's; [`SalesError::ObligationBeforeAcceptance`] when
    /// `date` is before the acceptance; [`SalesError::Ledger`] when the ledger refuses
    /// (purpose, expired money, too little allocated, an ineligible partner, the document
    /// already obligated), [`SalesError::DuplicateLedgerCommand`] when `id` was applied.
    pub fn obligate_building_partner_capacity(
        &self,
        ledger: &mut Ledger,
        funding: &BpcFunding,
        date: NaiveDate,
        id: CommandId,
        actor: Actor,
    ) -> Result<Receipt, SalesError> {
        if self.kind() != CaseKind::BuildingPartnerCapacity {
            return Err(SalesError::NotBuildingPartnerCapacity {
                case: self.id().clone(),
                kind: self.kind(),
            });
        }
        let accepted = self
            .accepted_on()
            .filter(|_| OBLIGABLE.contains(&self.state()))
            .ok_or_else(|| SalesError::NotAccepted {
                case: self.id().clone(),
                state: self.state(),
            })?;
        if let Some(other) = funding.key.partner.filter(|p| *p != self.partner()) {
            return Err(SalesError::CrossPartner {
                case: self.id().clone(),
                case_partner: self.partner(),
                payer: other,
            });
        }
        if date < accepted {
            return Err(SalesError::ObligationBeforeAcceptance {
                case: self.id().clone(),
                date,
                accepted,
            });
        }
        let command = Command::new(
            id.clone(),
            date,
            actor,
            Action::Obligate {
                account: funding.account,
                document: self.id().clone(),
                instrument: Instrument::SalesCase,
                funding: Funding::Allocation {
                    key: funding.key.clone(),
                },
                amount: self.total()?,
                object_class: None,
                financed_by: crate::budget::DirectOrReimbursable::Direct,
            },
        );
        let receipt = super::super::post::<SalesError>(ledger, command)?;
        Ok(receipt)
    }
}
