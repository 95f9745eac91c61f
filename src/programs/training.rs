//! Training (IMET-like): a course catalog, enrollments with human-rights vetting, mobile
//! training teams, and cost build-ups explained line by line.
//!
//! Costs follow DOMAIN.md §4 and §10 rules 38–41:
//!
//! - tuition at the incremental (additional) cost when the partner concurrently receives
//!   IMET or is a high-income country, else at full cost (AECA 21(a)(1)(C));
//! - the daily living allowance is min(actual lodging, maximum lodging rate), plus the meal
//!   rate, plus $11.00 of incidentals; with free quarters and mess it is $11.00 (SAMM Table
//!   C10.T12); the lodging and meal rates are the caller's effective-dated data;
//! - an E-IMET course enrolls civilians only for its four purposes.
//!
//! An enrollment commits funds; it is obligated only once the student and the unit are
//! cleared in vetting and the start date lies in the account's period; a refusal or
//! withdrawal releases the commitment; completion pays the actual cost and deobligates the
//! rest. The enrollment returns the ledger commands; the caller applies them.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::budget::{
    AccountSymbol, Action, Actor, AllocationKey, Command, CommandId, DocumentId, Funding,
    Instrument,
};
use crate::eligibility::{Decision, EligibilityCheck, EligibilityRequest, Subject};
use crate::money::{Money, MoneyError};
use crate::partner::CountryCode;
use crate::purpose::ProgramKind;

/// The special IMET incidental allowance per day (SAMM Table C10.T12).
pub const INCIDENTALS_PER_DAY: Money = Money::from_cents(1_100);

/// What went wrong in the training program.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[non_exhaustive]
pub enum TrainingError {
    /// A civilian asked for a course whose purposes do not admit civilians.
    #[error(
        "course {course} does not admit civilians: only the E-IMET purposes do (defense resource management, civilian control, military justice and human rights, military-law enforcement cooperation)"
    )]
    CiviliansNotAdmitted {
        /// The course.
        course: String,
    },
    /// The enrollment is not in a state that allows the step.
    #[error("enrollment {document} is {state:?}; {step} is not allowed")]
    WrongState {
        /// The enrollment.
        document: String,
        /// Its state.
        state: EnrollmentState,
        /// The step asked for.
        step: String,
    },
    /// Vetting has not cleared the student and the unit.
    #[error(
        "enrollment {document} cannot be obligated before the student and the unit are cleared: {explanation}"
    )]
    NotCleared {
        /// The enrollment.
        document: String,
        /// The decision's explanation.
        explanation: String,
    },
    /// The course starts outside the account's period of availability.
    #[error("course start {start} is outside the period of account {account}")]
    OutsidePeriod {
        /// The start date.
        start: NaiveDate,
        /// The account.
        account: AccountSymbol,
    },
    /// The actual cost exceeds what was obligated.
    #[error("actual cost {actual} exceeds the {obligated} obligated")]
    ActualAboveObligated {
        /// The actual cost.
        actual: Money,
        /// The obligation.
        obligated: Money,
    },
    /// Arithmetic on money failed.
    #[error("amount arithmetic failed: {0}")]
    Money(#[from] MoneyError),
}

/// How a course is delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CourseKind {
    /// A resident course at a school in the United States.
    Resident,
    /// A mobile training team deployed to the partner.
    MobileTeam,
    /// Support to an international program.
    InternationalProgram,
}

/// The E-IMET purposes for which civilians may attend (DOMAIN.md §10 rule 41).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ExpandedPurpose {
    /// Defense resource management.
    DefenseResourceManagement,
    /// Civil-military relations and civilian control of the military.
    CivilianControl,
    /// Military justice and human rights.
    MilitaryJustice,
    /// Military and law-enforcement cooperation (counternarcotics).
    LawEnforcementCooperation,
}

/// A course in the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Course {
    /// The course id.
    pub id: String,
    /// The title.
    pub title: String,
    /// The school.
    pub school: String,
    /// How it is delivered.
    pub kind: CourseKind,
    /// Its length in days.
    pub days: u32,
    /// Tuition at full cost.
    pub tuition_full: Money,
    /// Tuition at incremental (additional) cost.
    pub tuition_incremental: Money,
    /// The E-IMET purposes it serves; civilians may attend only if it serves one.
    pub expanded_purposes: BTreeSet<ExpandedPurpose>,
}

impl Course {
    /// `true` if civilians may enroll (the course serves an E-IMET purpose).
    #[must_use]
    pub fn admits_civilians(&self) -> bool {
        !self.expanded_purposes.is_empty()
    }
}

/// The daily rates that apply to a student's stay: caller data, effective-dated by the
/// caller (JFTR lodging and meal rates for the school's location).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyRates {
    /// Actual lodging and utilities per day.
    pub actual_lodging: Money,
    /// The maximum lodging rate per day.
    pub max_lodging: Money,
    /// The meal rate per day (local, government or proportional, by mess availability).
    pub meals: Money,
    /// Free quarters and mess are provided: the allowance is the incidentals only.
    pub free_quarters_and_mess: bool,
}

impl DailyRates {
    /// The daily living allowance of DOMAIN.md §10 rule 38.
    ///
    /// ```
    /// use security_assistance::programs::training::DailyRates;
    /// let rates = DailyRates { actual_lodging: "120".parse()?, max_lodging: "98".parse()?,
    ///     meals: "64".parse()?, free_quarters_and_mess: false };
    /// assert_eq!(rates.living_allowance()?, "173".parse()?); // 98 + 64 + 11
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] only if out of range.
    pub fn living_allowance(&self) -> Result<Money, MoneyError> {
        if self.free_quarters_and_mess {
            return Ok(INCIDENTALS_PER_DAY);
        }
        self.actual_lodging
            .min(self.max_lodging)
            .checked_add(self.meals)?
            .checked_add(INCIDENTALS_PER_DAY)
    }
}

/// One line of a cost build-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostLine {
    /// What the line is.
    pub item: String,
    /// How it was computed, in words.
    pub basis: String,
    /// The amount.
    pub amount: Money,
}

/// A cost build-up: lines and their exact total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostBuildUp {
    /// The lines.
    pub lines: Vec<CostLine>,
    /// Their sum.
    pub total: Money,
}

impl CostBuildUp {
    fn of(lines: Vec<CostLine>) -> Result<CostBuildUp, MoneyError> {
        let total = Money::checked_sum(lines.iter().map(|l| l.amount))?;
        Ok(CostBuildUp { lines, total })
    }
}

/// Whether incremental tuition applies: the partner concurrently receives IMET or is a
/// high-income country (DOMAIN.md §10 rule 39). Both are the caller's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TuitionBasis {
    /// The partner receives IMET this year.
    pub receives_imet: bool,
    /// The partner is on the caller's high-income list.
    pub high_income: bool,
}

/// The cost of a resident student: tuition + round-trip travel + the living allowance for
/// every day of the course.
///
/// # Worked example: a four-week resident course with lodging and meals
///
/// 28 days; tuition $14,250.00 full, $9,870.00 incremental; the partner receives IMET, so
/// tuition is incremental; travel $1,850.00; actual lodging $120.00 a day above the $98.00
/// maximum, meals $64.00: the allowance is 98 + 64 + 11 = $173.00 a day, × 28 = $4,844.00.
/// Total $9,870.00 + $1,850.00 + $4,844.00 = **$16,564.00**.
///
/// ```
/// use security_assistance::programs::training::*;
/// let course = Course { id: "MLE-101".into(), title: "Maritime law enforcement".into(),
///     school: "USCG Training Center Yorktown".into(), kind: CourseKind::Resident, days: 28,
///     tuition_full: "14250".parse()?, tuition_incremental: "9870".parse()?,
///     expanded_purposes: [ExpandedPurpose::LawEnforcementCooperation].into() };
/// let rates = DailyRates { actual_lodging: "120".parse()?, max_lodging: "98".parse()?,
///     meals: "64".parse()?, free_quarters_and_mess: false };
/// let basis = TuitionBasis { receives_imet: true, high_income: false };
/// let cost = resident_cost(&course, basis, "1850".parse()?, &rates)?;
/// assert_eq!(cost.total, "16564".parse()?);
/// assert_eq!(cost.lines.len(), 3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`TrainingError::Money`] only if out of range.
pub fn resident_cost(
    course: &Course,
    basis: TuitionBasis,
    travel: Money,
    rates: &DailyRates,
) -> Result<CostBuildUp, TrainingError> {
    let incremental = basis.receives_imet || basis.high_income;
    let (tuition, why) = if incremental {
        (
            course.tuition_incremental,
            "incremental cost (IMET recipient or high-income country)",
        )
    } else {
        (course.tuition_full, "full cost")
    };
    let daily = rates.living_allowance()?;
    let living = daily.checked_mul_int(i64::from(course.days))?;
    let allowance_basis = if rates.free_quarters_and_mess {
        format!(
            "{} days × {daily} (free quarters and mess: incidentals only)",
            course.days
        )
    } else {
        format!(
            "{} days × {daily} (min(lodging {}, maximum {}) + meals {} + incidentals {INCIDENTALS_PER_DAY})",
            course.days, rates.actual_lodging, rates.max_lodging, rates.meals
        )
    };
    Ok(CostBuildUp::of(vec![
        CostLine {
            item: "tuition".into(),
            basis: why.into(),
            amount: tuition,
        },
        CostLine {
            item: "travel".into(),
            basis: "round trip on the invitational travel order".into(),
            amount: travel,
        },
        CostLine {
            item: "living allowance".into(),
            basis: allowance_basis,
            amount: living,
        },
    ])?)
}

/// A mobile training team: size, days in country, preparation days, per diem and airfare.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MobileTeam {
    /// Team members.
    pub members: u32,
    /// Days in the partner country.
    pub days_in_country: u32,
    /// Preparation days at home station (salary costs charged per member-day).
    pub preparation_days: u32,
    /// Per diem per member-day in country.
    pub per_diem: Money,
    /// Round-trip airfare per member.
    pub airfare: Money,
    /// Cost per member-day of preparation.
    pub preparation_rate: Money,
}

impl MobileTeam {
    /// The team's cost, line by line.
    ///
    /// # Worked example: a ten-day mobile training team
    ///
    /// Four members, ten days in country at $215.00 per diem ($8,600.00), airfare $1,400.00
    /// each ($5,600.00), three preparation days at $450.00 per member-day ($5,400.00): total
    /// **$19,600.00**.
    ///
    /// ```
    /// use security_assistance::programs::training::MobileTeam;
    /// let team = MobileTeam { members: 4, days_in_country: 10, preparation_days: 3,
    ///     per_diem: "215".parse()?, airfare: "1400".parse()?, preparation_rate: "450".parse()? };
    /// assert_eq!(team.cost()?.total, "19600".parse()?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`TrainingError::Money`] only if out of range.
    pub fn cost(&self) -> Result<CostBuildUp, TrainingError> {
        let members = i64::from(self.members);
        let member_days = members.saturating_mul(i64::from(self.days_in_country));
        let prep_days = members.saturating_mul(i64::from(self.preparation_days));
        Ok(CostBuildUp::of(vec![
            CostLine {
                item: "per diem".into(),
                basis: format!(
                    "{} members × {} days × {}",
                    self.members, self.days_in_country, self.per_diem
                ),
                amount: self.per_diem.checked_mul_int(member_days)?,
            },
            CostLine {
                item: "airfare".into(),
                basis: format!("{} members × {}", self.members, self.airfare),
                amount: self.airfare.checked_mul_int(members)?,
            },
            CostLine {
                item: "preparation".into(),
                basis: format!(
                    "{} members × {} days × {}",
                    self.members, self.preparation_days, self.preparation_rate
                ),
                amount: self.preparation_rate.checked_mul_int(prep_days)?,
            },
        ])?)
    }
}

/// Where an enrollment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EnrollmentState {
    /// Funds committed; vetting pending.
    Committed,
    /// Obligated after vetting cleared.
    Obligated,
    /// Refused in vetting or withdrawn: the commitment released.
    Released,
    /// Completed: actual costs paid, the rest deobligated.
    Completed,
}

/// A student's enrollment, from commitment to completion, through the ledger's commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrollment {
    /// The enrollment's document id.
    pub document: DocumentId,
    /// The partner.
    pub partner: CountryCode,
    /// The course id.
    pub course: String,
    /// The start date.
    pub start: NaiveDate,
    /// The student.
    pub student: String,
    /// The student's security-force unit.
    pub unit: String,
    /// Whether the student is a civilian.
    pub civilian: bool,
    /// The account and allocation charged.
    pub account: AccountSymbol,
    /// The allocation charged.
    pub key: AllocationKey,
    /// The estimated cost committed and obligated.
    pub cost: Money,
    /// Where it stands.
    pub state: EnrollmentState,
}

impl Enrollment {
    /// Enrolls a student: checks the civilian rule and returns the enrollment and its
    /// `Commit` command.
    ///
    /// # Errors
    ///
    /// [`TrainingError::CiviliansNotAdmitted`] for a civilian in a course without an E-IMET
    /// purpose.
    #[allow(clippy::too_many_arguments)]
    pub fn enroll(
        course: &Course,
        document: DocumentId,
        partner: CountryCode,
        student: &str,
        unit: &str,
        civilian: bool,
        start: NaiveDate,
        account: AccountSymbol,
        key: AllocationKey,
        cost: Money,
        command: (CommandId, NaiveDate, Actor),
    ) -> Result<(Enrollment, Command), TrainingError> {
        if civilian && !course.admits_civilians() {
            return Err(TrainingError::CiviliansNotAdmitted {
                course: course.id.clone(),
            });
        }
        let (id, date, actor) = command;
        let commit = Command::new(
            id,
            date,
            actor,
            Action::Commit {
                account,
                document: document.clone(),
                key: key.clone(),
                amount: cost,
            },
        );
        Ok((
            Enrollment {
                document,
                partner,
                course: course.id.clone(),
                start,
                student: student.to_owned(),
                unit: unit.to_owned(),
                civilian,
                account,
                key,
                cost,
                state: EnrollmentState::Committed,
            },
            commit,
        ))
    }

    fn wrong(&self, step: &str) -> TrainingError {
        TrainingError::WrongState {
            document: self.document.to_string(),
            state: self.state,
            step: step.to_owned(),
        }
    }

    /// Vets the student and the unit (the Leahy laws apply to both) with `check`.
    #[must_use]
    pub fn vet(&self, date: NaiveDate, check: &dyn EligibilityCheck) -> Decision {
        let mut request = EligibilityRequest::new(self.partner, ProgramKind::Training, date);
        request.subjects = vec![
            Subject::Unit(self.unit.clone()),
            Subject::Individual(self.student.clone()),
        ];
        request.amount = Some(self.cost);
        request.document = Some(self.document.to_string());
        check.decide(&request)
    }

    /// Obligates the enrollment from its commitment, once `decision` (from
    /// [`Enrollment::vet`]) clears it and the start date lies in the account's period.
    ///
    /// # Errors
    ///
    /// [`TrainingError::WrongState`], [`TrainingError::NotCleared`] or
    /// [`TrainingError::OutsidePeriod`].
    pub fn obligate(
        &mut self,
        decision: &Decision,
        command: (CommandId, NaiveDate, Actor),
    ) -> Result<Command, TrainingError> {
        if self.state != EnrollmentState::Committed {
            return Err(self.wrong("obligate"));
        }
        if !decision.outcome().allows() {
            return Err(TrainingError::NotCleared {
                document: self.document.to_string(),
                explanation: decision.explanation(),
            });
        }
        if !self.account.period().contains(self.start) {
            return Err(TrainingError::OutsidePeriod {
                start: self.start,
                account: self.account,
            });
        }
        let (id, date, actor) = command;
        self.state = EnrollmentState::Obligated;
        Ok(Command::new(
            id,
            date,
            actor,
            Action::Obligate {
                account: self.account,
                document: self.document.clone(),
                instrument: Instrument::Enrollment,
                funding: Funding::Commitment,
                amount: self.cost,
            },
        ))
    }

    /// Releases the money of a refused or withdrawn enrollment: decommits it, or
    /// deobligates it if it was already obligated.
    ///
    /// # Errors
    ///
    /// [`TrainingError::WrongState`] once released or completed.
    pub fn release(
        &mut self,
        command: (CommandId, NaiveDate, Actor),
    ) -> Result<Command, TrainingError> {
        let (id, date, actor) = command;
        let action = match self.state {
            EnrollmentState::Committed => Action::Decommit {
                account: self.account,
                document: self.document.clone(),
                amount: self.cost,
            },
            EnrollmentState::Obligated => Action::AdjustObligation {
                account: self.account,
                document: self.document.clone(),
                amount: self.cost.checked_neg()?,
            },
            EnrollmentState::Released | EnrollmentState::Completed => {
                return Err(self.wrong("release"));
            }
        };
        self.state = EnrollmentState::Released;
        Ok(Command::new(id, date, actor, action))
    }

    /// Completes the enrollment: pays the actual cost and deobligates the rest.
    ///
    /// # Errors
    ///
    /// [`TrainingError::WrongState`] unless obligated;
    /// [`TrainingError::ActualAboveObligated`].
    pub fn complete(
        &mut self,
        actual: Money,
        pay: (CommandId, NaiveDate, Actor),
        rest: (CommandId, NaiveDate, Actor),
    ) -> Result<Vec<Command>, TrainingError> {
        if self.state != EnrollmentState::Obligated {
            return Err(self.wrong("complete"));
        }
        if actual > self.cost {
            return Err(TrainingError::ActualAboveObligated {
                actual,
                obligated: self.cost,
            });
        }
        let unused = self.cost.checked_sub(actual)?;
        let mut out = Vec::new();
        if actual.is_positive() {
            let (id, date, actor) = pay;
            out.push(Command::new(
                id,
                date,
                actor,
                Action::Disburse {
                    account: self.account,
                    document: self.document.clone(),
                    amount: actual,
                },
            ));
        }
        if unused.is_positive() {
            let (id, date, actor) = rest;
            out.push(Command::new(
                id,
                date,
                actor,
                Action::AdjustObligation {
                    account: self.account,
                    document: self.document.clone(),
                    amount: unused.checked_neg()?,
                },
            ));
        }
        self.state = EnrollmentState::Completed;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_quarters_and_mess_pay_incidentals_only() {
        let rates = DailyRates {
            actual_lodging: "80".parse().unwrap(),
            max_lodging: "98".parse().unwrap(),
            meals: "64".parse().unwrap(),
            free_quarters_and_mess: true,
        };
        assert_eq!(rates.living_allowance().unwrap(), "11".parse().unwrap());
        let rates = DailyRates {
            free_quarters_and_mess: false,
            ..rates
        };
        // Actual lodging below the maximum: 80 + 64 + 11.
        assert_eq!(rates.living_allowance().unwrap(), "155".parse().unwrap());
    }

    #[test]
    fn full_tuition_without_imet_or_high_income() {
        let course = Course {
            id: "C".into(),
            title: "t".into(),
            school: "s".into(),
            kind: CourseKind::Resident,
            days: 1,
            tuition_full: "100".parse().unwrap(),
            tuition_incremental: "60".parse().unwrap(),
            expanded_purposes: BTreeSet::new(),
        };
        let rates = DailyRates {
            actual_lodging: Money::ZERO,
            max_lodging: Money::ZERO,
            meals: Money::ZERO,
            free_quarters_and_mess: true,
        };
        let full = resident_cost(
            &course,
            TuitionBasis {
                receives_imet: false,
                high_income: false,
            },
            Money::ZERO,
            &rates,
        )
        .unwrap();
        assert_eq!(full.total, "111".parse().unwrap());
        let high = resident_cost(
            &course,
            TuitionBasis {
                receives_imet: false,
                high_income: true,
            },
            Money::ZERO,
            &rates,
        )
        .unwrap();
        assert_eq!(high.total, "71".parse().unwrap());
        assert!(!course.admits_civilians());
    }
}
