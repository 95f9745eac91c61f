//! Double entry underneath: each command posts balanced entries to USSGL-style budgetary
//! accounts (DOMAIN.md §1.11).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::money::{Money, MoneyError};

/// A USSGL-style budgetary account of the simplified chart the ledger posts to.
///
/// Balances are kept as debit minus credit. Resource accounts (4119, 4170, 4252) are
/// debit-normal and end positive; 4392 (rescissions) has a credit balance and so reduces
/// resources; the status accounts (4450 … 4902) are credit-normal and end negative. Every
/// account symbol's balances sum to zero.
///
/// Year-end closing entries are not posted: recoveries rest in 4871 and upward adjustments
/// of prior-year obligations in 4881, so the unobligated balance reads
/// −(4450 + 4510 + 4610 + 4700 + 4871) + 4881 … see [`TrialBalance::unobligated`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub enum Ussgl {
    /// 4119 Other Appropriations Realized (also continuing-resolution authority).
    OtherAppropriationsRealized,
    /// 4170 Transfers – Current-Year Authority (positive for net transfers in).
    TransfersCurrentYear,
    /// 4252 Reimbursements and Other Income Earned – Collected: offsetting collections
    /// credited to the account (debit-normal, a resource), posted by
    /// [`Action::Collect`](super::Action::Collect) against 4450.
    ReimbursementsCollected,
    /// 4350 Canceled Authority: credited by the closing entries of an account that
    /// cancels (31 U.S.C. 1552(a); see [`Cancellation`](super::Cancellation)). The ledger
    /// posts it only in the trial balance of a cancelled account
    /// ([`Cancellation::trial_balance`](super::Cancellation::trial_balance)); an open
    /// account's balance in it is zero.
    CanceledAuthority,
    /// 4392 Rescissions.
    Rescissions,
    /// 4450 Unapportioned Authority.
    Unapportioned,
    /// 4510 Apportionments (not yet allotted).
    Apportionments,
    /// 4610 Allotments – Realized Resources (allotted, not committed or obligated).
    Allotments,
    /// 4700 Commitments.
    Commitments,
    /// 4801 Undelivered Orders – Obligations, Unpaid.
    UnpaidObligations,
    /// 4871 Downward Adjustments of Prior-Year Unpaid Undelivered Orders – Recoveries.
    Recoveries,
    /// 4881 Upward Adjustments of Prior-Year Undelivered Orders – Obligations, Unpaid.
    UpwardAdjustmentsPriorYear,
    /// 4902 Delivered Orders – Obligations, Paid.
    PaidObligations,
}

impl Ussgl {
    /// Every account of the chart, in number order.
    pub const ALL: [Ussgl; 13] = [
        Ussgl::OtherAppropriationsRealized,
        Ussgl::TransfersCurrentYear,
        Ussgl::ReimbursementsCollected,
        Ussgl::CanceledAuthority,
        Ussgl::Rescissions,
        Ussgl::Unapportioned,
        Ussgl::Apportionments,
        Ussgl::Allotments,
        Ussgl::Commitments,
        Ussgl::UnpaidObligations,
        Ussgl::Recoveries,
        Ussgl::UpwardAdjustmentsPriorYear,
        Ussgl::PaidObligations,
    ];

    /// The four-digit account number.
    #[must_use]
    pub const fn number(self) -> u16 {
        match self {
            Ussgl::OtherAppropriationsRealized => 4119,
            Ussgl::TransfersCurrentYear => 4170,
            Ussgl::ReimbursementsCollected => 4252,
            Ussgl::CanceledAuthority => 4350,
            Ussgl::Rescissions => 4392,
            Ussgl::Unapportioned => 4450,
            Ussgl::Apportionments => 4510,
            Ussgl::Allotments => 4610,
            Ussgl::Commitments => 4700,
            Ussgl::UnpaidObligations => 4801,
            Ussgl::Recoveries => 4871,
            Ussgl::UpwardAdjustmentsPriorYear => 4881,
            Ussgl::PaidObligations => 4902,
        }
    }

    const fn index(self) -> usize {
        match self {
            Ussgl::OtherAppropriationsRealized => 0,
            Ussgl::TransfersCurrentYear => 1,
            Ussgl::Rescissions => 2,
            Ussgl::Unapportioned => 3,
            Ussgl::Apportionments => 4,
            Ussgl::Allotments => 5,
            Ussgl::Commitments => 6,
            Ussgl::UnpaidObligations => 7,
            Ussgl::Recoveries => 8,
            Ussgl::UpwardAdjustmentsPriorYear => 9,
            Ussgl::PaidObligations => 10,
            Ussgl::ReimbursementsCollected => 11,
            Ussgl::CanceledAuthority => 12,
        }
    }
}

impl fmt::Display for Ussgl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.number())
    }
}

/// The balances (debit minus credit) of one account symbol's budgetary accounts.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrialBalance {
    balances: [Money; 13],
}

impl TrialBalance {
    /// The balance of `account`, debit minus credit.
    #[must_use]
    pub fn balance(&self, account: Ussgl) -> Money {
        self.balances
            .get(account.index())
            .copied()
            .unwrap_or(Money::ZERO)
    }

    /// The sum of every balance; zero for a balanced ledger.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] only if the balances are out of range.
    pub fn net(&self) -> Result<Money, MoneyError> {
        Money::checked_sum(self.balances)
    }

    /// Unobligated authority read from the chart: the credit balances of 4450, 4510, 4610,
    /// 4700 and 4871, less the debit balance of 4881.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] only if the balances are out of range.
    pub fn unobligated(&self) -> Result<Money, MoneyError> {
        let credits = Money::checked_sum([
            self.balance(Ussgl::Unapportioned),
            self.balance(Ussgl::Apportionments),
            self.balance(Ussgl::Allotments),
            self.balance(Ussgl::Commitments),
            self.balance(Ussgl::Recoveries),
            self.balance(Ussgl::UpwardAdjustmentsPriorYear),
        ])?;
        credits.checked_neg()
    }

    /// Returns the balances after debiting `debit` and crediting `credit` by `amount`
    /// (a negative amount reverses the entry).
    pub(crate) fn post(
        mut self,
        debit: Ussgl,
        credit: Ussgl,
        amount: Money,
    ) -> Result<TrialBalance, MoneyError> {
        let d = self.balance(debit).checked_add(amount)?;
        let c = self.balance(credit).checked_sub(amount)?;
        if let Some(slot) = self.balances.get_mut(debit.index()) {
            *slot = d;
        }
        if let Some(slot) = self.balances.get_mut(credit.index()) {
            *slot = c;
        }
        Ok(self)
    }
}

/// The ledger's state keeps an account's chart as the twelve balances it has always
/// written (checkpoint format 4): USSGL 4350 is posted only in the trial balance of a
/// cancelled account, never in the state, so its slot is not stored.
pub(crate) mod stored {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::{TrialBalance, Ussgl};
    use crate::money::Money;

    /// The balances stored: every one but 4350's (the last slot).
    const STORED: usize = 12;

    pub(crate) fn serialize<S: Serializer>(
        chart: &TrialBalance,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        if !chart.balance(Ussgl::CanceledAuthority).is_zero() {
            return Err(serde::ser::Error::custom(
                "an account's state holds no balance in USSGL 4350 (only a cancelled account's trial balance does)",
            ));
        }
        let mut balances = [Money::ZERO; STORED];
        for (slot, balance) in balances.iter_mut().zip(chart.balances) {
            *slot = balance;
        }
        Stored { balances }.serialize(serializer)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<TrialBalance, D::Error> {
        let stored = Stored::deserialize(deserializer)?;
        let mut chart = TrialBalance::default();
        for (slot, balance) in chart.balances.iter_mut().zip(stored.balances) {
            *slot = balance;
        }
        Ok(chart)
    }

    /// The stored shape: the field name and order `TrialBalance` had before 4350.
    #[derive(Serialize, Deserialize)]
    #[serde(deny_unknown_fields, rename = "TrialBalance")]
    struct Stored {
        balances: [Money; STORED],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_displays_as_its_number() {
        assert_eq!(Ussgl::Unapportioned.to_string(), "4450");
        assert_eq!(format!("{}", Ussgl::Allotments), "4610");
    }

    #[test]
    fn net_is_the_sum_of_every_balance() {
        let mut balances = [Money::ZERO; 13];
        for (i, balance) in balances.iter_mut().enumerate() {
            *balance = Money::from_cents(i64::try_from(i).unwrap_or(0) + 1);
        }
        // 1 + 2 + … + 13 cents.
        assert_eq!(TrialBalance { balances }.net(), Ok(Money::from_cents(91)));
    }
}
