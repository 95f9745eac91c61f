//! Citations of the laws, regulations and manuals that the crate's rules come from.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

/// A citation of a legal source: an act or code, a section, an optional paragraph and an
/// optional link.
///
/// Rejections and eligibility findings carry one, so a caller can show exactly which law
/// a command would break.
///
/// ```
/// use security_assistance::Citation;
/// let ada = Citation::new("31 U.S.C.", "1341").with_paragraph("(a)(1)(A)");
/// assert_eq!(ada.to_string(), "31 U.S.C. 1341(a)(1)(A)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Citation {
    act: Cow<'static, str>,
    section: Cow<'static, str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    paragraph: Option<Cow<'static, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    link: Option<Cow<'static, str>>,
}

impl Citation {
    /// A citation of `section` of `act` (for example `"31 U.S.C."` and `"1341"`, or
    /// `"Arms Export Control Act"` and `"36(b)"`).
    #[must_use]
    pub fn new(act: impl Into<Cow<'static, str>>, section: impl Into<Cow<'static, str>>) -> Self {
        Citation {
            act: act.into(),
            section: section.into(),
            paragraph: None,
            link: None,
        }
    }

    /// A citation built at compile time, for the crate's built-in rules.
    #[must_use]
    pub(crate) const fn fixed(
        act: &'static str,
        section: &'static str,
        paragraph: Option<&'static str>,
    ) -> Self {
        Citation {
            act: Cow::Borrowed(act),
            section: Cow::Borrowed(section),
            paragraph: match paragraph {
                Some(p) => Some(Cow::Borrowed(p)),
                None => None,
            },
            link: None,
        }
    }

    /// The same citation narrowed to a paragraph, such as `"(a)(1)(A)"`.
    #[must_use]
    pub fn with_paragraph(mut self, paragraph: impl Into<Cow<'static, str>>) -> Self {
        self.paragraph = Some(paragraph.into());
        self
    }

    /// The same citation with a link to its text.
    #[must_use]
    pub fn with_link(mut self, link: impl Into<Cow<'static, str>>) -> Self {
        self.link = Some(link.into());
        self
    }

    /// The act or code, such as `"31 U.S.C."`.
    #[must_use]
    pub fn act(&self) -> &str {
        &self.act
    }

    /// The section, such as `"1341"`.
    #[must_use]
    pub fn section(&self) -> &str {
        &self.section
    }

    /// The paragraph, such as `"(a)(1)(A)"`, if the citation is that precise.
    #[must_use]
    pub fn paragraph(&self) -> Option<&str> {
        self.paragraph.as_deref()
    }

    /// A link to the text, if one was given.
    #[must_use]
    pub fn link(&self) -> Option<&str> {
        self.link.as_deref()
    }
}

impl fmt::Display for Citation {
    /// `31 U.S.C. 1341(a)(1)(A)`; an act that is not a code reads `Arms Export Control Act
    /// section 36(b)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let joiner = if self.act.ends_with('.') || self.act.ends_with("§") {
            " "
        } else {
            " section "
        };
        write!(f, "{}{}{}", self.act, joiner, self.section)?;
        if let Some(p) = &self.paragraph {
            f.write_str(p)?;
        }
        Ok(())
    }
}

/// Citations of appropriations law used by the ledger's rejections.
pub(crate) mod usc31 {
    use super::Citation;

    /// The purpose statute.
    pub(crate) const PURPOSE: Citation = Citation::fixed("31 U.S.C.", "1301", Some("(a)"));
    /// Anti-Deficiency Act: no obligation or expenditure above the amount available.
    pub(crate) const ADA_AMOUNT: Citation = Citation::fixed("31 U.S.C.", "1341", Some("(a)(1)(A)"));
    /// Anti-Deficiency Act: no obligation in advance of an appropriation.
    pub(crate) const ADA_ADVANCE: Citation =
        Citation::fixed("31 U.S.C.", "1341", Some("(a)(1)(B)"));
    /// Bona fide needs: the period of availability.
    pub(crate) const BONA_FIDE: Citation = Citation::fixed("31 U.S.C.", "1502", Some("(a)"));
    /// Closing of accounts: cancellation of balances.
    pub(crate) const CLOSING: Citation = Citation::fixed("31 U.S.C.", "1552", Some("(a)"));
    /// Expired accounts: only recording, adjusting and liquidating obligations.
    pub(crate) const EXPIRED: Citation = Citation::fixed("31 U.S.C.", "1553", Some("(a)"));
    /// Charges of closed-account obligations to current appropriations, within 1 percent.
    pub(crate) const CHARGE_TO_CURRENT: Citation =
        Citation::fixed("31 U.S.C.", "1553", Some("(b)"));
    /// Money received for the Government is deposited in the Treasury without deduction
    /// for any charge or claim: a collection is taken back only up to what it brought in.
    pub(crate) const GROSS_DEPOSIT: Citation = Citation::fixed("31 U.S.C.", "3302", Some("(b)"));
    /// Anti-Deficiency Act: apportionments and administrative subdivisions.
    pub(crate) const ADA_SUBDIVISION: Citation = Citation::fixed("31 U.S.C.", "1517", Some("(a)"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_codes_and_acts() {
        assert_eq!(usc31::ADA_AMOUNT.to_string(), "31 U.S.C. 1341(a)(1)(A)");
        let aeca = Citation::new("Arms Export Control Act", "36").with_paragraph("(b)");
        assert_eq!(aeca.to_string(), "Arms Export Control Act section 36(b)");
        let json = serde_json::to_string(&aeca).unwrap();
        assert_eq!(serde_json::from_str::<Citation>(&json).unwrap(), aeca);
    }
}
