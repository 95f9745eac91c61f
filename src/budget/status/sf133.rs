//! The SF-133-shaped statement of an account.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::budget::cancellation::SF133_LINE_OBLIGATIONS_CANCELLED;
use crate::budget::direct_reimbursable::DirectOrReimbursable;
use crate::budget::error::BudgetError;
use crate::budget::ids::AccountSymbol;
use crate::budget::ledger::{AccountState, Accounts, Ledger, budgetary};
use crate::budget::ussgl::Ussgl;
use crate::fiscal::FiscalYear;
use crate::money::{Money, Rounding};

impl Ledger {
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
        Sf133Period::new(self, fiscal_year, as_of)?.statement(account)
    }
}

/// The accounts at both ends of an SF-133's period (each the ledger's own when it holds
/// nothing later, else as of that day, from the nearest checkpoint:
/// [`Ledger::accounts_as_of`]), so that the statements of many accounts (File A) share
/// them.
pub(crate) struct Sf133Period<'a> {
    ledger: &'a Ledger,
    fiscal_year: FiscalYear,
    end_day: NaiveDate,
    start: std::borrow::Cow<'a, Accounts>,
    end: std::borrow::Cow<'a, Accounts>,
}

impl<'a> Sf133Period<'a> {
    /// The period of `fiscal_year` from 1 October through `as_of` (or the year's end).
    pub(crate) fn new(
        ledger: &'a Ledger,
        fiscal_year: FiscalYear,
        as_of: NaiveDate,
    ) -> Result<Sf133Period<'a>, BudgetError> {
        let start_day = fiscal_year
            .first_day()
            .pred_opt()
            .unwrap_or(fiscal_year.first_day());
        let end_day = as_of.min(fiscal_year.last_day());
        Ok(Sf133Period {
            ledger,
            fiscal_year,
            end_day,
            start: ledger.accounts_as_of(start_day)?,
            end: ledger.accounts_as_of(end_day)?,
        })
    }

    /// The budgetary accounts at the end of the period, sorted (as [`Ledger::accounts`]
    /// lists them).
    pub(crate) fn accounts(&self) -> Vec<AccountSymbol> {
        budgetary(&self.end)
    }

    /// The statement of `account` for the period ([`Ledger::sf133`]).
    pub(crate) fn statement(&self, account: &AccountSymbol) -> Result<Sf133, BudgetError> {
        let after = self
            .end
            .get(account)
            .ok_or(BudgetError::UnknownAccount { account: *account })?;
        let before = match self.start.get(account) {
            Some(a) => Figures::of(a)?,
            None => Figures::default(),
        };
        let lines = sf133_lines(&before, &Figures::of(after)?, after)?;
        let statement = Sf133 {
            account: *account,
            fiscal_year: self.fiscal_year,
            as_of: self.end_day,
            lines,
        };
        // The cancelling year's statement shows the balance withdrawn (31 U.S.C. 1552(a)).
        crate::budget::cancellation::withdraw_on_sf133(self.ledger, statement, self.fiscal_year)
    }
}

/// The statement's lines from the account's figures at the start (`before`) and end
/// (`now`) of the period, and its double-entry balances at the end (`after`).
fn sf133_lines(
    before: &Figures,
    now: &Figures,
    after: &AccountState,
) -> Result<Vec<Sf133Line>, BudgetError> {
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
    // Obligations incurred by source (DirectOrReimbursable): the reimbursable ones from
    // their documents, the direct ones the rest, so that 2004 + 2104 = 2190 exactly.
    let line_2104 =
        d(|f| f.reimbursable_obligated)?.checked_add(d(|f| f.reimbursable_recoveries)?)?;
    let line_2004 = line_2190.checked_sub(line_2104)?;
    let category_b = !after.by_program.is_empty();
    // The end balance is read from the double-entry chart, independently of the flows.
    let line_2490 = after.gl.unobligated()?;
    let line_2500 = line_2190.checked_add(line_2490)?;
    let line_3000 = before.obligated.checked_sub(before.disbursed)?;
    let line_3020 = d(|f| f.disbursed)?;
    let line_3050 = after.gl.balance(Ussgl::UnpaidObligations).checked_neg()?;
    let amounts = [
        line_1000,
        line_1021,
        line_1100,
        line_1120,
        line_1121,
        line_1130,
        line_1160,
        line_1700,
        line_1750,
        line_1910,
        line_2004,
        line_2004,
        line_2004,
        line_2104,
        line_2104,
        line_2104,
        line_2190,
        line_2490,
        line_2500,
        line_3000,
        line_2190,
        line_3020.checked_neg()?,
        line_1021.checked_neg()?,
        line_3050,
    ];
    Ok(SF133_TITLES
        .iter()
        .zip(amounts)
        .filter(|((line, _), _)| match line {
            2001 | 2101 => !category_b,
            2002 | 2102 => category_b,
            _ => true,
        })
        .map(|(&(line, title), amount)| Sf133Line::new(line, title, amount))
        .collect())
}

/// The statement's lines in order, with their titles. Of 2001/2002 and 2101/2102 only the
/// lines of the account's apportionment category are written (Category A by time period,
/// Category B by program; see [`DirectOrReimbursable`](crate::budget::DirectOrReimbursable)).
const SF133_TITLES: [(u16, &str); 24] = [
    (1000, "Unobligated balance brought forward, October 1"),
    (1021, "Recoveries of prior year unpaid obligations"),
    (1100, "Appropriation"),
    (1120, "Appropriations transferred to other accounts"),
    (1121, "Appropriations transferred from other accounts"),
    (1130, "Appropriations permanently reduced"),
    (1160, "Appropriation, discretionary (total)"),
    (
        1700,
        "Spending authority from offsetting collections, collected",
    ),
    (
        1750,
        "Spending authority from offsetting collections, discretionary (total)",
    ),
    (1910, "Total budgetary resources"),
    (2001, "Direct obligations, Category A"),
    (2002, "Direct obligations, Category B"),
    (2004, "Direct obligations incurred (total)"),
    (2101, "Reimbursable obligations, Category A"),
    (2102, "Reimbursable obligations, Category B"),
    (2104, "Reimbursable obligations incurred (total)"),
    (2190, "New obligations and upward adjustments (total)"),
    (2490, "Unobligated balance, end of period"),
    (2500, "Total budgetary resources (status)"),
    (3000, "Unpaid obligations, brought forward, October 1"),
    (3010, "New obligations, unexpired and expired accounts"),
    (3020, "Outlays (gross)"),
    (3040, "Recoveries of prior year unpaid obligations"),
    (3050, "Unpaid obligations, end of period"),
];

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
    /// Obligated on reimbursable documents, and their recoveries.
    reimbursable_obligated: Money,
    reimbursable_recoveries: Money,
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
        let mut reimbursable_obligated = Money::ZERO;
        let mut reimbursable_recoveries = Money::ZERO;
        for o in acct.obligations.values() {
            if o.financed_by == DirectOrReimbursable::Reimbursable {
                reimbursable_obligated = reimbursable_obligated.checked_add(o.obligated)?;
                reimbursable_recoveries = reimbursable_recoveries.checked_add(o.recoveries)?;
            }
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
            reimbursable_obligated,
            reimbursable_recoveries,
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
/// 3050 = 3000 + 3010 + 3020 + 3040 (3020 and 3040 are negative), plus, in the statement
/// of the year an account cancels in, line 3032
/// ([`SF133_LINE_OBLIGATIONS_CANCELLED`](crate::budget::SF133_LINE_OBLIGATIONS_CANCELLED)):
/// the unpaid obligations cancelled, negative, so that 3050 ends at zero. Line 2490 and 3050 are
/// read from the double-entry chart, the other lines from the flows, so the identities
/// check one against the other. Line numbers beyond 1000, 1021, 1910, 2190, 2490, 2500 and
/// 3020 follow OMB Circular A-11 from memory (DOMAIN.md marks them unconfirmed). Offsetting
/// collections ([`Action::Collect`](crate::budget::Action::Collect)) appear on line 1700 and, as
/// the discretionary total of spending authority from offsetting collections, on line 1750
/// (1750 is among the resource lines DOMAIN.md §1.10 confirms; 1700 is from memory), and
/// count in 1910. Obligations incurred are split by source
/// ([`DirectOrReimbursable`](crate::budget::DirectOrReimbursable)): direct on 2004 (and on
/// 2001 for an account apportioned by time period, Category A, or 2002 for one apportioned
/// by program, Category B), reimbursable on 2104 (and 2101 or 2102), and 2004 + 2104 =
/// 2190 (line numbers as the DATA Act Broker's rules B14 and B15 read them).
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
        for n in [
            1000,
            1021,
            1029,
            1100,
            1120,
            1121,
            1130,
            1700,
            2104,
            2190,
            3000,
            3020,
            SF133_LINE_OBLIGATIONS_CANCELLED,
        ] {
            values.insert(n, r(n)?);
        }
        let v =
            |values: &BTreeMap<u16, Money>, n: u16| values.get(&n).copied().unwrap_or(Money::ZERO);
        let l1160 = Money::checked_sum([1100, 1120, 1121, 1130].map(|n| v(&values, n)))?;
        let l1750 = v(&values, 1700);
        let l1910 = Money::checked_sum([
            v(&values, 1000),
            v(&values, 1021),
            v(&values, 1029),
            l1160,
            l1750,
        ])?;
        let l2190 = v(&values, 2190);
        let l2004 = l2190.checked_sub(v(&values, 2104))?;
        for n in [2001, 2002] {
            values.insert(n, l2004);
        }
        values.insert(2004, l2004);
        for n in [2101, 2102] {
            values.insert(n, v(&values, 2104));
        }
        let l2490 = l1910.checked_sub(l2190)?;
        let l3040 = v(&values, 1021).checked_neg()?;
        let l3050 = Money::checked_sum([
            v(&values, 3000),
            l2190,
            v(&values, 3020),
            l3040,
            v(&values, SF133_LINE_OBLIGATIONS_CANCELLED),
        ])?;
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
