//! The funding-flow graph: appropriation → funds holder → program → partner → instrument,
//! as Mermaid `sankey-beta` text and as a standalone SVG Sankey diagram.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Serialize};

use super::ReportError;
use crate::budget::{
    AccountSymbol, BudgetError, Dimension, FundsHolder, Instrument, Ledger, StatusQuery,
};
use crate::money::Money;
use crate::partner::CountryCode;
use crate::purpose::ProgramKind;

/// A node of a [`FlowGraph`], one kind per column, in column order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
#[non_exhaustive]
pub enum FlowNode {
    /// An appropriation account.
    Account(AccountSymbol),
    /// A funds holder.
    Holder(FundsHolder),
    /// A program kind.
    Program(ProgramKind),
    /// A partner country; `None` for regional, global or administrative allocations.
    Partner(Option<CountryCode>),
    /// A kind of obligating instrument.
    Instrument(Instrument),
}

/// The column titles of the diagram, left to right.
const COLUMN_TITLES: [&str; 5] = [
    "Appropriation",
    "Funds holder",
    "Program",
    "Partner",
    "Instrument",
];

impl FlowNode {
    /// The node's column, from 0 (appropriation) to 4 (instrument).
    ///
    /// ```
    /// use security_assistance::report::FlowNode;
    /// use security_assistance::ProgramKind;
    /// assert_eq!(FlowNode::Program(ProgramKind::Training).column(), 2);
    /// ```
    #[must_use]
    pub const fn column(&self) -> usize {
        match self {
            FlowNode::Account(_) => 0,
            FlowNode::Holder(_) => 1,
            FlowNode::Program(_) => 2,
            FlowNode::Partner(_) => 3,
            FlowNode::Instrument(_) => 4,
        }
    }

    /// The node's label: the account symbol, the holder, the program kind, the partner's
    /// alpha-3 code and name (or `no partner`), the instrument in words.
    ///
    /// ```
    /// use security_assistance::report::FlowNode;
    /// use security_assistance::budget::Instrument;
    /// assert_eq!(FlowNode::Partner(Some("JOR".parse()?)).label(), "JOR Jordan");
    /// assert_eq!(FlowNode::Instrument(Instrument::GrantAgreement).label(), "grant agreement");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn label(&self) -> String {
        match self {
            FlowNode::Account(a) => a.to_string(),
            FlowNode::Holder(h) => h.to_string(),
            FlowNode::Program(p) => p.as_str().replace('_', " "),
            FlowNode::Partner(Some(c)) => format!("{} {}", c.alpha3(), c.name()),
            FlowNode::Partner(None) => "no partner".to_owned(),
            FlowNode::Instrument(i) => instrument_words(*i).to_owned(),
        }
    }
}

const fn instrument_words(instrument: Instrument) -> &'static str {
    match instrument {
        Instrument::Enrollment => "enrollment",
        Instrument::GrantAgreement => "grant agreement",
        Instrument::Loan => "loan",
        Instrument::LoanGuarantee => "loan guarantee",
        Instrument::SalesCase => "sales case",
        Instrument::Transfer => "transfer",
        Instrument::Lease => "lease",
        Instrument::Other => "other instrument",
    }
}

/// One edge of a [`FlowGraph`] with its amounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct FlowEdge {
    /// The source node.
    pub from: FlowNode,
    /// The target node.
    pub to: FlowNode,
    /// What was distributed along the edge: allotted (account → holder), allocated
    /// (holder → program → partner), or obligated (partner → instrument, where nothing is
    /// allocated but what the instruments bind).
    pub allocated: Money,
    /// Obligated, net of deobligations and recoveries.
    pub obligated: Money,
    /// Disbursed, net of refunds.
    pub disbursed: Money,
}

impl FlowEdge {
    /// The edge's amount for `measure`.
    #[must_use]
    pub const fn amount(&self, measure: Measure) -> Money {
        match measure {
            Measure::Allocated => self.allocated,
            Measure::Obligated => self.obligated,
            Measure::Disbursed => self.disbursed,
        }
    }
}

/// Which amount sets the width of a link in a diagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Measure {
    /// [`FlowEdge::allocated`].
    Allocated,
    /// [`FlowEdge::obligated`].
    Obligated,
    /// [`FlowEdge::disbursed`].
    Disbursed,
}

impl Measure {
    const fn as_str(self) -> &'static str {
        match self {
            Measure::Allocated => "allocated",
            Measure::Obligated => "obligated",
            Measure::Disbursed => "disbursed",
        }
    }
}

/// The funding-flow graph of a ledger on a date: appropriation (account) → funds holder →
/// program → partner → instrument, each edge with its allocated, obligated and disbursed
/// amounts. Edges are sorted by (source, target); an edge with three zero amounts is left
/// out.
///
/// Amounts below the account are the ledger's status of funds at the deepest level each
/// dollar reached, so the amounts into a holder, program or partner node are never less
/// than the amounts out of it (the difference is what stayed there unallocated or
/// unobligated).
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::budget::{Action, AllocationKey, Apportionment, Command, Funding, Instrument, Ledger};
/// use security_assistance::report::{FlowGraph, FlowNode, Measure};
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
/// ] {
///     ledger.apply(Command::new(id.parse()?, day, "me".parse()?, action))?;
/// }
/// let graph = FlowGraph::of(&ledger, day)?;
/// let last = graph.edges.last().ok_or("edge")?;
/// assert_eq!(last.to, FlowNode::Instrument(Instrument::GrantAgreement));
/// assert_eq!(last.obligated, "400".parse()?);
/// assert!(graph.mermaid(Measure::Allocated).contains("\"DSCA\",\"financing\",600.00"));
/// assert!(graph.svg(Measure::Allocated).starts_with("<svg"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct FlowGraph {
    /// The date of the balances.
    pub as_of: NaiveDate,
    /// The edges, sorted by (source, target).
    pub edges: Vec<FlowEdge>,
}

#[derive(Default, Clone, Copy)]
struct Sums {
    allocated: Money,
    obligated: Money,
    disbursed: Money,
}

impl Sums {
    fn add(
        &mut self,
        allocated: Money,
        obligated: Money,
        disbursed: Money,
    ) -> Result<(), BudgetError> {
        self.allocated = self.allocated.checked_add(allocated)?;
        self.obligated = self.obligated.checked_add(obligated)?;
        self.disbursed = self.disbursed.checked_add(disbursed)?;
        Ok(())
    }
}

impl FlowGraph {
    /// The funding-flow graph of `ledger` as of `as_of` (everything recorded).
    ///
    /// # Errors
    ///
    /// [`ReportError::Budget`] if the ledger cannot be replayed to the date or a total is
    /// out of range.
    pub fn of(ledger: &Ledger, as_of: NaiveDate) -> Result<FlowGraph, ReportError> {
        let then = ledger.as_of(as_of, None)?;
        let rows = then.status_of_funds(&StatusQuery::new(
            as_of,
            &[
                Dimension::Account,
                Dimension::Holder,
                Dimension::Program,
                Dimension::Partner,
            ],
        ))?;
        let mut edges: BTreeMap<(FlowNode, FlowNode), Sums> = BTreeMap::new();
        let mut push = |from: FlowNode,
                        to: FlowNode,
                        allocated: Money,
                        obligated: Money,
                        disbursed: Money|
         -> Result<(), BudgetError> {
            edges
                .entry((from, to))
                .or_default()
                .add(allocated, obligated, disbursed)
        };
        for row in &rows {
            let (Some(account), Some(holder)) = (row.key.account, row.key.holder.clone()) else {
                continue;
            };
            push(
                FlowNode::Account(account),
                FlowNode::Holder(holder.clone()),
                row.allotted,
                row.obligated,
                row.disbursed,
            )?;
            if let Some(program) = row.key.program {
                push(
                    FlowNode::Holder(holder),
                    FlowNode::Program(program),
                    row.allocated,
                    row.obligated,
                    row.disbursed,
                )?;
                push(
                    FlowNode::Program(program),
                    FlowNode::Partner(row.key.partner),
                    row.allocated,
                    row.obligated,
                    row.disbursed,
                )?;
            }
        }
        for account in then.accounts() {
            for (_, o) in then.obligations_of(&account)? {
                push(
                    FlowNode::Partner(o.key.partner),
                    FlowNode::Instrument(o.instrument),
                    o.obligated,
                    o.obligated,
                    o.disbursed,
                )?;
            }
        }
        Ok(FlowGraph {
            as_of,
            edges: edges
                .into_iter()
                .filter(|(_, s)| {
                    !(s.allocated.is_zero() && s.obligated.is_zero() && s.disbursed.is_zero())
                })
                .map(|((from, to), s)| FlowEdge {
                    from,
                    to,
                    allocated: s.allocated,
                    obligated: s.obligated,
                    disbursed: s.disbursed,
                })
                .collect(),
        })
    }

    /// Every node that has an edge, in column order.
    #[must_use]
    pub fn nodes(&self) -> Vec<FlowNode> {
        let mut nodes: Vec<FlowNode> = self
            .edges
            .iter()
            .flat_map(|e| [e.from.clone(), e.to.clone()])
            .collect();
        nodes.sort_unstable();
        nodes.dedup();
        nodes
    }

    /// Labels that are unique across the graph: [`FlowNode::label`], with the column
    /// title in brackets appended when two nodes would share a label.
    fn labels(&self) -> BTreeMap<FlowNode, String> {
        let nodes = self.nodes();
        let mut counts: BTreeMap<String, u32> = BTreeMap::new();
        for node in &nodes {
            let count = counts.entry(node.label()).or_default();
            *count = count.saturating_add(1);
        }
        nodes
            .into_iter()
            .map(|node| {
                let label = node.label();
                let label = if counts.get(&label).copied().unwrap_or(0) > 1 {
                    let title = COLUMN_TITLES.get(node.column()).copied().unwrap_or("");
                    format!("{label} [{title}]")
                } else {
                    label
                };
                (node, label)
            })
            .collect()
    }

    /// The graph as Mermaid `sankey-beta` text: one `"source","target",value` line per
    /// edge whose `measure` is positive, values in canonical form (`1234.56`), labels
    /// quoted (a `"` doubled). See [`FlowGraph`] for an example.
    #[must_use]
    pub fn mermaid(&self, measure: Measure) -> String {
        let labels = self.labels();
        let quote = |n: &FlowNode| {
            let label = labels.get(n).cloned().unwrap_or_default();
            format!("\"{}\"", label.replace('"', "\"\""))
        };
        let mut out = format!(
            "sankey-beta\n\n%% {} as of {}\n",
            measure.as_str(),
            self.as_of
        );
        for edge in &self.edges {
            let amount = edge.amount(measure);
            if amount.is_positive() {
                let _ = writeln!(
                    out,
                    "{},{},{}",
                    quote(&edge.from),
                    quote(&edge.to),
                    amount.to_decimal()
                );
            }
        }
        out
    }

    /// The graph as a standalone SVG Sankey diagram: five columns of nodes (appropriation,
    /// funds holder, program, partner, instrument), link widths proportional to `measure`,
    /// each node labelled with its name and amount (`$1,234.56`), each link with a tooltip
    /// of its three amounts. The output is deterministic. Pixel coordinates are computed in
    /// `f64`; amounts are never. See [`FlowGraph`] for an example.
    #[must_use]
    pub fn svg(&self, measure: Measure) -> String {
        svg::render(self, measure, &self.labels())
    }
}

mod svg {
    //! A small Sankey renderer: columns, stacked nodes, cubic-Bézier ribbons.

    use std::collections::BTreeMap;
    use std::fmt::Write as _;

    use super::{COLUMN_TITLES, FlowGraph, FlowNode, Measure, ToPrimitive};
    use crate::money::Money;

    const WIDTH: f64 = 1280.0;
    const HEIGHT: f64 = 760.0;
    const TOP: f64 = 90.0;
    const BOTTOM: f64 = 30.0;
    const NODE_WIDTH: f64 = 16.0;
    const GAP: f64 = 28.0;
    /// Left edges of the five columns; labels sit right of the nodes.
    const COLUMN_X: [f64; 5] = [40.0, 320.0, 580.0, 840.0, 1100.0];
    const COLORS: [&str; 5] = ["#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];

    fn pixels(amount: Money) -> f64 {
        amount.to_decimal().to_f64().unwrap_or(0.0)
    }

    fn escape(text: &str) -> String {
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

    struct Placed {
        x: f64,
        y: f64,
        height: f64,
        out_used: f64,
        in_used: f64,
        value: Money,
    }

    pub(super) fn render(
        graph: &FlowGraph,
        measure: Measure,
        labels: &BTreeMap<FlowNode, String>,
    ) -> String {
        let edges: Vec<_> = graph
            .edges
            .iter()
            .filter(|e| e.amount(measure).is_positive())
            .collect();
        // A node's value is the larger of what flows in and what flows out.
        let mut inflow: BTreeMap<&FlowNode, Money> = BTreeMap::new();
        let mut outflow: BTreeMap<&FlowNode, Money> = BTreeMap::new();
        for e in &edges {
            let a = e.amount(measure);
            let o = outflow.entry(&e.from).or_default();
            *o = o.checked_add(a).unwrap_or(*o);
            let i = inflow.entry(&e.to).or_default();
            *i = i.checked_add(a).unwrap_or(*i);
        }
        let mut columns: [Vec<(&FlowNode, Money)>; 5] = Default::default();
        let mut nodes: Vec<&FlowNode> = inflow.keys().chain(outflow.keys()).copied().collect();
        nodes.sort_unstable();
        nodes.dedup();
        for node in nodes {
            let value = inflow
                .get(node)
                .copied()
                .unwrap_or_default()
                .max(outflow.get(node).copied().unwrap_or_default());
            if let Some(column) = columns.get_mut(node.column()) {
                column.push((node, value));
            }
        }
        // One scale for the whole picture: the fullest column fills the height.
        let usable = HEIGHT - TOP - BOTTOM;
        let mut scale = f64::INFINITY;
        for column in &columns {
            let total: f64 = column.iter().map(|(_, v)| pixels(*v)).sum();
            let gaps = GAP * (column.len().saturating_sub(1) as f64);
            if total > 0.0 {
                scale = scale.min((usable - gaps).max(usable / 4.0) / total);
            }
        }
        if !scale.is_finite() {
            scale = 0.0;
        }
        let mut placed: BTreeMap<&FlowNode, Placed> = BTreeMap::new();
        for (c, column) in columns.iter().enumerate() {
            let x = COLUMN_X.get(c).copied().unwrap_or(0.0);
            let mut y = TOP;
            for (node, value) in column {
                let height = (pixels(*value) * scale).max(2.0);
                placed.insert(
                    node,
                    Placed {
                        x,
                        y,
                        height,
                        out_used: 0.0,
                        in_used: 0.0,
                        value: *value,
                    },
                );
                y += height + GAP;
            }
        }
        let mut out = String::new();
        let _ = writeln!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH:.0}\" height=\"{HEIGHT:.0}\" viewBox=\"0 0 {WIDTH:.0} {HEIGHT:.0}\" font-family=\"Helvetica, Arial, sans-serif\">"
        );
        let _ = writeln!(
            out,
            "<rect x=\"0\" y=\"0\" width=\"{WIDTH:.0}\" height=\"{HEIGHT:.0}\" fill=\"#ffffff\"/>"
        );
        let _ = writeln!(
            out,
            "<text x=\"40\" y=\"32\" font-size=\"20\" font-weight=\"bold\">Funding flow: {} as of {}</text>",
            measure.as_str(),
            graph.as_of
        );
        for (c, title) in COLUMN_TITLES.iter().enumerate() {
            let x = COLUMN_X.get(c).copied().unwrap_or(0.0);
            let _ = writeln!(
                out,
                "<text x=\"{x:.1}\" y=\"66\" font-size=\"14\" fill=\"#555555\">{title}</text>"
            );
        }
        // Each node stacks its links in the order of the nodes at their other ends, top to
        // bottom, so that links leaving or entering one node do not cross each other.
        let tops: BTreeMap<FlowNode, f64> =
            placed.iter().map(|(n, p)| ((*n).clone(), p.y)).collect();
        let top = |n: &FlowNode| tops.get(n).copied().unwrap_or(0.0);
        let thickness: Vec<f64> = edges
            .iter()
            .map(|e| pixels(e.amount(measure)) * scale)
            .collect();
        let mut order: Vec<usize> = (0..edges.len()).collect();
        let mut starts = vec![0.0; edges.len()];
        let mut ends = vec![0.0; edges.len()];
        order.sort_by(|&a, &b| {
            let (ea, eb) = (edges.get(a), edges.get(b));
            let ya = ea.map_or(0.0, |e| top(&e.to));
            let yb = eb.map_or(0.0, |e| top(&e.to));
            ya.total_cmp(&yb).then(a.cmp(&b))
        });
        for &i in &order {
            if let (Some(e), Some(start), Some(t)) =
                (edges.get(i), starts.get_mut(i), thickness.get(i))
            {
                if let Some(p) = placed.get_mut(&e.from) {
                    *start = p.y + p.out_used;
                    p.out_used += t;
                }
            }
        }
        order.sort_by(|&a, &b| {
            let (ea, eb) = (edges.get(a), edges.get(b));
            let ya = ea.map_or(0.0, |e| top(&e.from));
            let yb = eb.map_or(0.0, |e| top(&e.from));
            ya.total_cmp(&yb).then(a.cmp(&b))
        });
        for &i in &order {
            if let (Some(e), Some(end), Some(t)) = (edges.get(i), ends.get_mut(i), thickness.get(i))
            {
                if let Some(p) = placed.get_mut(&e.to) {
                    *end = p.y + p.in_used;
                    p.in_used += t;
                }
            }
        }
        // Links first, so nodes are drawn over their ends.
        for (((e, y0), y1), thickness) in edges.iter().zip(&starts).zip(&ends).zip(&thickness) {
            let (y0, y1, thickness) = (*y0, *y1, *thickness);
            let x0 = placed.get(&e.from).map_or(0.0, |p| p.x + NODE_WIDTH);
            let x1 = placed.get(&e.to).map_or(0.0, |p| p.x);
            let xm = (x0 + x1) / 2.0;
            let color = COLORS.get(e.from.column()).copied().unwrap_or("#999999");
            let _ = writeln!(
                out,
                "<path d=\"M{x0:.2},{y0:.2} C{xm:.2},{y0:.2} {xm:.2},{y1:.2} {x1:.2},{y1:.2} L{x1:.2},{y1b:.2} C{xm:.2},{y1b:.2} {xm:.2},{y0b:.2} {x0:.2},{y0b:.2} Z\" fill=\"{color}\" fill-opacity=\"0.35\" stroke=\"none\"><title>{} → {}: allocated {}, obligated {}, disbursed {}</title></path>",
                escape(labels.get(&e.from).map_or("", String::as_str)),
                escape(labels.get(&e.to).map_or("", String::as_str)),
                e.allocated,
                e.obligated,
                e.disbursed,
                y1b = y1 + thickness,
                y0b = y0 + thickness,
            );
        }
        for (node, p) in &placed {
            let color = COLORS.get(node.column()).copied().unwrap_or("#999999");
            let label = escape(labels.get(*node).map_or("", String::as_str));
            let _ = writeln!(
                out,
                "<rect x=\"{:.2}\" y=\"{:.2}\" width=\"{NODE_WIDTH:.0}\" height=\"{:.2}\" fill=\"{color}\"><title>{label}: {}</title></rect>",
                p.x, p.y, p.height, p.value
            );
            let (tx, anchor) = (p.x + NODE_WIDTH + 6.0, "start");
            let ty = p.y + p.height / 2.0;
            let _ = writeln!(
                out,
                "<text x=\"{tx:.2}\" y=\"{:.2}\" font-size=\"13\" text-anchor=\"{anchor}\">{label}</text>",
                ty - 2.0
            );
            let _ = writeln!(
                out,
                "<text x=\"{tx:.2}\" y=\"{:.2}\" font-size=\"12\" fill=\"#444444\" text-anchor=\"{anchor}\">{}</text>",
                ty + 12.0,
                p.value
            );
        }
        out.push_str("</svg>\n");
        out
    }
}
