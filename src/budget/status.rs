//! Status of funds by any dimension, and the SF-133-shaped statement of an account.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::error::BudgetError;
use super::ids::{AccountSymbol, FundsHolder};
use super::ledger::{AccountState, Ledger};
use super::ussgl::Ussgl;
use crate::fiscal::{AccountStatus, FiscalYear};
use crate::money::{Money, Rounding};
use crate::partner::CountryCode;
use crate::purpose::ProgramKind;

/// A dimension by which status-of-funds rows are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Dimension {
    /// The appropriation account.
    Account,
    /// The account's first fiscal year of availability.
    FiscalYear,
    /// The funds holder.
    Holder,
    /// The program kind.
    Program,
    /// The partner country.
    Partner,
}

/// Which funds a status-of-funds query covers; `None` fields match everything.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct StatusFilter {
    /// Only this account.
    pub account: Option<AccountSymbol>,
    /// Only accounts whose first fiscal year is this one.
    pub fiscal_year: Option<FiscalYear>,
    /// Only this funds holder.
    pub holder: Option<FundsHolder>,
    /// Only this program kind.
    pub program: Option<ProgramKind>,
    /// Only this partner.
    pub partner: Option<CountryCode>,
}

/// A status-of-funds query: as of a date, as known on a date, grouped and filtered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct StatusQuery {
    /// Balances include entries effective on or before this date.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub as_of: NaiveDate,
    /// Balances include entries recorded on or before this date (`None`: all recorded).
    #[serde(
        default,
        deserialize_with = "crate::fiscal::date_serde::deserialize_option"
    )]
    pub known_on: Option<NaiveDate>,
    /// The dimensions that make up a row's key; the others are summed over.
    pub group_by: Vec<Dimension>,
    /// Which funds to include.
    pub filter: StatusFilter,
}

impl StatusQuery {
    /// A query as of `as_of`, grouped by `group_by`, with no filter.
    #[must_use]
    pub fn new(as_of: NaiveDate, group_by: &[Dimension]) -> Self {
        StatusQuery {
            as_of,
            known_on: None,
            group_by: group_by.to_vec(),
            filter: StatusFilter::default(),
        }
    }
}

/// The key of a status-of-funds row: the grouped dimensions are set, the others are
/// `None`. Funds not yet distributed to a holder, program or partner have `None` there too.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct StatusKey {
    /// The account.
    pub account: Option<AccountSymbol>,
    /// The fiscal year.
    pub fiscal_year: Option<FiscalYear>,
    /// The funds holder.
    pub holder: Option<FundsHolder>,
    /// The program kind.
    pub program: Option<ProgramKind>,
    /// The partner.
    pub partner: Option<CountryCode>,
}

/// One row of a status of funds.
///
/// Each dollar of budget authority is counted once, at the deepest level it has reached:
/// an account's undistributed authority, a holder's unallocated allotment, or an
/// allocation. So every column adds up across rows, whatever the grouping:
/// `budget_authority ≥ apportioned ≥ allotted ≥ allocated`,
/// `budget_authority = obligated + unobligated`, `obligated = disbursed + unliquidated`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct StatusRow {
    /// The row's key.
    pub key: StatusKey,
    /// The account's status on the as-of date, when the row is for one account.
    pub account_status: Option<AccountStatus>,
    /// Budget authority (appropriations or resolution authority, transfers, offsetting
    /// collections, rescissions).
    pub budget_authority: Money,
    /// Of which apportioned.
    pub apportioned: Money,
    /// Of which allotted.
    pub allotted: Money,
    /// Of which allocated.
    pub allocated: Money,
    /// Reserved by commitments (still unobligated).
    pub committed: Money,
    /// Obligated, net of deobligations and recoveries.
    pub obligated: Money,
    /// Budget authority not obligated.
    pub unobligated: Money,
    /// Disbursed, net of refunds.
    pub disbursed: Money,
    /// Obligated, not yet disbursed.
    pub unliquidated: Money,
    /// Deobligations of prior-year obligations.
    pub recoveries: Money,
}

impl StatusRow {
    /// The ten amounts, in column order (budget authority … recoveries).
    pub(crate) fn amounts(&self) -> [Money; 10] {
        [
            self.budget_authority,
            self.apportioned,
            self.allotted,
            self.allocated,
            self.committed,
            self.obligated,
            self.unobligated,
            self.disbursed,
            self.unliquidated,
            self.recoveries,
        ]
    }

    fn amounts_mut(&mut self) -> [&mut Money; 10] {
        [
            &mut self.budget_authority,
            &mut self.apportioned,
            &mut self.allotted,
            &mut self.allocated,
            &mut self.committed,
            &mut self.obligated,
            &mut self.unobligated,
            &mut self.disbursed,
            &mut self.unliquidated,
            &mut self.recoveries,
        ]
    }

    /// Adds `other`'s amounts to this row's, column by column (the key is kept).
    pub(crate) fn add(&mut self, other: &StatusRow) -> Result<(), BudgetError> {
        for (total, amount) in self.amounts_mut().into_iter().zip(other.amounts()) {
            *total = total.checked_add(amount)?;
        }
        Ok(())
    }

    /// Subtracts `other`'s amounts from this row's, column by column (the key is kept).
    pub(crate) fn subtract(&mut self, other: &StatusRow) -> Result<(), BudgetError> {
        for (total, amount) in self.amounts_mut().into_iter().zip(other.amounts()) {
            *total = total.checked_sub(amount)?;
        }
        Ok(())
    }
}

impl Ledger {
    /// The status of funds for `query`, as typed rows sorted by key.
    ///
    /// # Errors
    ///
    /// [`BudgetError::Journal`] if the journal cannot be replayed to the as-of date, or
    /// [`BudgetError::Money`] if a total is out of range.
    pub fn status_of_funds(&self, query: &StatusQuery) -> Result<Vec<StatusRow>, BudgetError> {
        status_rows(&*self.as_known(query.as_of, query.known_on)?, query)
    }

    /// The SF-133-shaped statement of `account` for `fiscal_year`, cumulative from
    /// 1 October through `as_of` (which must fall in that fiscal year), to the cent.
    /// Use [`Sf133::to_whole_dollars`] for the submission format.
    ///
    /// # Errors
    ///
    /// [`BudgetError::UnknownAccount`] if the account does not exist by `as_of`, or a
    /// replay error.
    pub fn sf133(
        &self,
        account: &AccountSymbol,
        fiscal_year: FiscalYear,
        as_of: NaiveDate,
    ) -> Result<Sf133, BudgetError> {
        let start_day = fiscal_year
            .first_day()
            .pred_opt()
            .unwrap_or(fiscal_year.first_day());
        let end_day = as_of.min(fiscal_year.last_day());
        let start = self.as_of(start_day, None)?;
        let end = self.as_of(end_day, None)?;
        let after = end.account(account)?;
        let zero = Figures::default();
        let before = match start.account(account) {
            Ok(a) => Figures::of(a)?,
            Err(_) => zero,
        };
        let now = Figures::of(after)?;
        let d = |f: fn(&Figures) -> Money| now.get(f).checked_sub(before.get(f));
        let line_1000 = before.authority.checked_sub(before.obligated)?;
        let line_1021 = d(|f| f.recoveries)?;
        let line_1100 = d(|f| f.base)?;
        let line_1120 = d(|f| f.transfers_out)?.checked_neg()?;
        let line_1121 = d(|f| f.transfers_in)?;
        let line_1130 = d(|f| f.rescinded)?.checked_neg()?;
        let line_1160 = Money::checked_sum([line_1100, line_1120, line_1121, line_1130])?;
        let line_1700 = d(|f| f.collections)?;
        let line_1750 = line_1700;
        let line_1910 = Money::checked_sum([line_1000, line_1021, line_1160, line_1750])?;
        let line_2190 = d(|f| f.obligated)?.checked_add(line_1021)?;
        // The end balance is read from the double-entry chart, independently of the flows.
        let line_2490 = after.gl.unobligated()?;
        let line_2500 = line_2190.checked_add(line_2490)?;
        let line_3000 = before.obligated.checked_sub(before.disbursed)?;
        let line_3020 = d(|f| f.disbursed)?;
        let line_3050 = after.gl.balance(Ussgl::UnpaidObligations).checked_neg()?;
        let lines = vec![
            Sf133Line::new(
                1000,
                "Unobligated balance brought forward, October 1",
                line_1000,
            ),
            Sf133Line::new(
                1021,
                "Recoveries of prior year unpaid obligations",
                line_1021,
            ),
            Sf133Line::new(1100, "Appropriation", line_1100),
            Sf133Line::new(
                1120,
                "Appropriations transferred to other accounts",
                line_1120,
            ),
            Sf133Line::new(
                1121,
                "Appropriations transferred from other accounts",
                line_1121,
            ),
            Sf133Line::new(1130, "Appropriations permanently reduced", line_1130),
            Sf133Line::new(1160, "Appropriation, discretionary (total)", line_1160),
            Sf133Line::new(
                1700,
                "Spending authority from offsetting collections, collected",
                line_1700,
            ),
            Sf133Line::new(
                1750,
                "Spending authority from offsetting collections, discretionary (total)",
                line_1750,
            ),
            Sf133Line::new(1910, "Total budgetary resources", line_1910),
            Sf133Line::new(
                2190,
                "New obligations and upward adjustments (total)",
                line_2190,
            ),
            Sf133Line::new(2490, "Unobligated balance, end of period", line_2490),
            Sf133Line::new(2500, "Total budgetary resources (status)", line_2500),
            Sf133Line::new(
                3000,
                "Unpaid obligations, brought forward, October 1",
                line_3000,
            ),
            Sf133Line::new(
                3010,
                "New obligations, unexpired and expired accounts",
                line_2190,
            ),
            Sf133Line::new(3020, "Outlays (gross)", line_3020.checked_neg()?),
            Sf133Line::new(
                3040,
                "Recoveries of prior year unpaid obligations",
                line_1021.checked_neg()?,
            ),
            Sf133Line::new(3050, "Unpaid obligations, end of period", line_3050),
        ];
        Ok(Sf133 {
            account: *account,
            fiscal_year,
            as_of: end_day,
            lines,
        })
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Figures {
    base: Money,
    authority: Money,
    transfers_in: Money,
    transfers_out: Money,
    rescinded: Money,
    collections: Money,
    obligated: Money,
    disbursed: Money,
    recoveries: Money,
}

impl Figures {
    fn of(acct: &AccountState) -> Result<Figures, BudgetError> {
        let mut obligated = Money::ZERO;
        let mut disbursed = Money::ZERO;
        let mut recoveries = Money::ZERO;
        for slot in acct.allocations.values() {
            obligated = obligated.checked_add(slot.obligated)?;
            disbursed = disbursed.checked_add(slot.disbursed)?;
            recoveries = recoveries.checked_add(slot.recoveries)?;
        }
        let base = if acct.full_year {
            acct.appropriated
        } else {
            acct.resolution.map_or(Money::ZERO, |r| r.amount)
        };
        Ok(Figures {
            base,
            authority: acct.authority()?,
            transfers_in: acct.transfers_in,
            transfers_out: acct.transfers_out,
            rescinded: acct.rescinded,
            collections: acct.collections,
            obligated,
            disbursed,
            recoveries,
        })
    }

    fn get(&self, f: fn(&Figures) -> Money) -> Money {
        f(self)
    }
}

/// One line of an [`Sf133`] statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Sf133Line {
    /// The line number, such as 1910.
    pub line: u16,
    /// The line's title.
    pub title: String,
    /// The amount. Outflows on lines 3020 and 3040 are negative, as on the form.
    pub amount: Money,
}

impl Sf133Line {
    fn new(line: u16, title: &str, amount: Money) -> Self {
        Sf133Line {
            line,
            title: title.to_owned(),
            amount,
        }
    }
}

/// An SF-133-shaped Report on Budget Execution for one account and fiscal year
/// (DOMAIN.md §1.10), cumulative from 1 October.
///
/// Identities: line 1910 = 2190 + 2490 = 2500, and unpaid obligations roll forward:
/// 3050 = 3000 + 3010 + 3020 + 3040 (3020 and 3040 are negative). Line 2490 and 3050 are
/// read from the double-entry chart, the other lines from the flows, so the identities
/// check one against the other. Line numbers beyond 1000, 1021, 1910, 2190, 2490, 2500 and
/// 3020 follow OMB Circular A-11 from memory (DOMAIN.md marks them unconfirmed). Offsetting
/// collections ([`Action::Collect`](super::Action::Collect)) appear on line 1700 and, as
/// the discretionary total of spending authority from offsetting collections, on line 1750
/// (1750 is among the resource lines DOMAIN.md §1.10 confirms; 1700 is from memory), and
/// count in 1910.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Sf133 {
    /// The account.
    pub account: AccountSymbol,
    /// The fiscal year reported.
    pub fiscal_year: FiscalYear,
    /// The last day included.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub as_of: NaiveDate,
    /// The lines in number order.
    pub lines: Vec<Sf133Line>,
}

impl Sf133 {
    /// The amount on `line`, if the statement has it.
    #[must_use]
    pub fn line(&self, line: u16) -> Option<Money> {
        self.lines.iter().find(|l| l.line == line).map(|l| l.amount)
    }

    /// The statement in whole dollars, rounded half to even (OMB Circular A-11 §130; exact
    /// halves go to the even dollar). Detail lines are rounded; totals (1160, 1750, 1910,
    /// 2500, 3010) are sums of rounded lines, and the balancing lines 2490 and 3050 are derived
    /// from them, so the identities hold in the rounded statement too.
    ///
    /// # Errors
    ///
    /// [`BudgetError::Money`] only if a total is out of range.
    pub fn to_whole_dollars(&self) -> Result<Sf133, BudgetError> {
        let r = |n: u16| {
            self.line(n)
                .unwrap_or(Money::ZERO)
                .round_to_dollars(Rounding::HalfEven)
        };
        let mut values: BTreeMap<u16, Money> = BTreeMap::new();
        for n in [1000, 1021, 1100, 1120, 1121, 1130, 1700, 2190, 3000, 3020] {
            values.insert(n, r(n)?);
        }
        let v =
            |values: &BTreeMap<u16, Money>, n: u16| values.get(&n).copied().unwrap_or(Money::ZERO);
        let l1160 = Money::checked_sum([1100, 1120, 1121, 1130].map(|n| v(&values, n)))?;
        let l1750 = v(&values, 1700);
        let l1910 = Money::checked_sum([v(&values, 1000), v(&values, 1021), l1160, l1750])?;
        let l2190 = v(&values, 2190);
        let l2490 = l1910.checked_sub(l2190)?;
        let l3040 = v(&values, 1021).checked_neg()?;
        let l3050 = Money::checked_sum([v(&values, 3000), l2190, v(&values, 3020), l3040])?;
        values.insert(1160, l1160);
        values.insert(1750, l1750);
        values.insert(1910, l1910);
        values.insert(2490, l2490);
        values.insert(2500, l1910);
        values.insert(3010, l2190);
        values.insert(3040, l3040);
        values.insert(3050, l3050);
        let lines = self
            .lines
            .iter()
            .map(|l| Sf133Line {
                line: l.line,
                title: l.title.clone(),
                amount: v(&values, l.line),
            })
            .collect();
        Ok(Sf133 {
            lines,
            ..self.clone()
        })
    }
}

fn status_rows(ledger: &Ledger, query: &StatusQuery) -> Result<Vec<StatusRow>, BudgetError> {
    let f = &query.filter;
    let grouped = |d: Dimension| query.group_by.contains(&d);
    let mut rows: BTreeMap<StatusKey, StatusRow> = BTreeMap::new();
    for symbol in ledger.accounts() {
        let acct = ledger.account(&symbol)?;
        let fy = symbol.period().first();
        if f.account.is_some_and(|a| a != symbol) || f.fiscal_year.is_some_and(|y| y != fy) {
            continue;
        }
        let mut emit = |holder: Option<&FundsHolder>,
                        program: Option<ProgramKind>,
                        partner: Option<CountryCode>,
                        row: StatusRow|
         -> Result<(), BudgetError> {
            if f.holder.as_ref().is_some_and(|h| Some(h) != holder)
                || f.program.is_some_and(|p| Some(p) != program)
                || f.partner.is_some_and(|p| Some(p) != partner)
            {
                return Ok(());
            }
            let key = StatusKey {
                account: grouped(Dimension::Account).then_some(symbol),
                fiscal_year: grouped(Dimension::FiscalYear).then_some(fy),
                holder: if grouped(Dimension::Holder) {
                    holder.cloned()
                } else {
                    None
                },
                program: if grouped(Dimension::Program) {
                    program
                } else {
                    None
                },
                partner: if grouped(Dimension::Partner) {
                    partner
                } else {
                    None
                },
            };
            let entry = rows.entry(key.clone()).or_insert_with(|| StatusRow {
                key,
                account_status: grouped(Dimension::Account)
                    .then(|| acct.symbol.period().status_on(query.as_of)),
                ..StatusRow::default()
            });
            entry.add(&row)
        };
        // Authority not yet allotted rests at the account.
        let authority = acct.authority()?;
        let unallotted = authority.checked_sub(acct.allotted)?;
        let residual = StatusRow {
            budget_authority: unallotted,
            apportioned: acct.apportioned.checked_sub(acct.allotted)?,
            unobligated: unallotted,
            ..StatusRow::default()
        };
        emit(None, None, None, residual)?;
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
            emit(Some(holder), None, None, row)?;
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
            emit(Some(&key.holder), Some(key.program), key.partner, row)?;
        }
    }
    Ok(rows
        .into_values()
        .filter(|r| {
            *r != StatusRow {
                key: r.key.clone(),
                account_status: r.account_status,
                ..StatusRow::default()
            }
        })
        .collect())
}
