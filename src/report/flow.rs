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
#[serde(deny_unknown_fields)]
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
#[serde(deny_unknown_fields)]
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
#[serde(deny_unknown_fields)]
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
/// let mut ledger = Ledger::new(std::sync::Arc::new(security_assistance::eligibility::AllowAll));
/// for (id, action) in [
///     ("a", Action::Appropriate { account, title: "FMF".into(),
///         purposes: vec![ProgramKind::Financing], amount: "1000".parse()?, law: "P.L. 110-161".into() }),
///     ("b", Action::Apportion { account,
///         category: Apportionment::ByPeriod { from: day }, amount: "1000".parse()? }),
///     ("c", Action::Allot { account, holder: "DSCA".parse()?, amount: "1000".parse()? }),
///     ("d", Action::Allocate { account, key: key.clone(), amount: "600".parse()? }),
///     ("e", Action::Obligate { account, document: "JO-1".parse()?, instrument: Instrument::GrantAgreement,
///         funding: Funding::Allocation { key }, amount: "400".parse()?, object_class: None, financed_by: Default::default() }),
/// ] {
///     ledger.apply(Command::new(id.parse()?, day, "me".parse()?, action))?;
/// }
/// let graph = FlowGraph::of(&ledger, day)?;
/// let last = graph.edges.last().ok_or("edge")?;
/// assert_eq!(last.to, FlowNode::Instrument(Instrument::GrantAgreement));
/// assert_eq!(last.obligated, "400".parse()?);
/// assert!(graph.mermaid(Measure::Allocated).contains("\"DSCA\",\"financing\",600.00"));
/// assert!(graph.svg(Measure::Allocated)?.starts_with("<svg"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct FlowGraph {
    /// The date of the balances.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
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
    /// of its three amounts. See [`FlowGraph`] for an example.
    ///
    /// # Layout
    ///
    /// Within each column, nodes are ordered to reduce crossing links: starting from the
    /// graph's own order, alternate sweeps left to right and right to left sort each
    /// column by the barycenter of its neighbours (the flow-weighted mean height of the
    /// nodes its links come from, or go to), and the ordering with the least crossing
    /// ribbon is kept (the first one found, on a tie). Every node gets at least the
    /// height of its two-line label, so labels never overlap; the picture grows taller
    /// when a column needs it. Labels have a white halo so they stay legible over ribbons.
    /// The output is deterministic: the same graph gives the same bytes.
    ///
    /// # Floating point
    ///
    /// Only the pixel layout uses `f64`, converted from money by `to_f64` for display.
    /// Nothing computed in `f64` feeds back into an amount: every amount written into the
    /// picture (labels, tooltips) is the exact [`Money`] from the graph.
    ///
    /// # Errors
    ///
    /// [`ReportError::XmlCharacter`] if a label holds a character XML 1.0 cannot carry (the
    /// graph's labels are validated identifiers and names, so only a bug could), and
    /// [`ReportError::Xml`] if the writer fails. Markup characters are escaped.
    pub fn svg(&self, measure: Measure) -> Result<String, ReportError> {
        svg::render(self, measure, &self.labels())
    }
}

mod svg {
    //! A small Sankey renderer: columns, stacked nodes ordered by barycenter, cubic-Bézier
    //! ribbons.
    //!
    //! Display only: `f64` here measures pixels, converted from money by [`pixels`]; no
    //! value computed here is ever turned back into money. Amounts in labels and tooltips
    //! are printed from the graph's [`Money`] values.

    use std::collections::BTreeMap;

    use super::super::xml::{self, Xml};
    use super::{COLUMN_TITLES, FlowGraph, FlowNode, Measure, ReportError, ToPrimitive};
    use crate::money::Money;

    const WIDTH: f64 = 1280.0;
    /// The height the fullest column is scaled to; the picture may grow past it.
    const HEIGHT: f64 = 760.0;
    const TOP: f64 = 90.0;
    const BOTTOM: f64 = 30.0;
    const NODE_WIDTH: f64 = 16.0;
    const GAP: f64 = 14.0;
    /// The least vertical room a node takes: its two label lines.
    const LABEL_ROOM: f64 = 32.0;
    /// Left edges of the five columns; labels sit right of the nodes.
    const COLUMN_X: [f64; 5] = [40.0, 320.0, 580.0, 840.0, 1100.0];
    const COLORS: [&str; 5] = ["#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];
    /// Ordering sweeps (each one left to right, then right to left).
    const SWEEPS: usize = 8;

    /// Pixels from money, for display only (see the module notes).
    fn pixels(amount: Money) -> f64 {
        amount.to_decimal().to_f64().unwrap_or(0.0)
    }

    /// A node: what it is, its value (the larger of inflow and outflow) and its height.
    struct Node<'a> {
        node: &'a FlowNode,
        value: Money,
        height: f64,
    }

    /// A link between two nodes (indices into the node list) and its thickness.
    struct Link {
        from: usize,
        to: usize,
        thickness: f64,
    }

    /// Node indices per column, top to bottom.
    type Columns = [Vec<usize>; 5];

    /// The room a node takes in its column.
    fn room(node: &Node<'_>) -> f64 {
        node.height.max(LABEL_ROOM)
    }

    /// How tall a column is, gaps included.
    fn extent(nodes: &[Node<'_>], column: &[usize]) -> f64 {
        let rooms: f64 = column.iter().filter_map(|&i| nodes.get(i)).map(room).sum();
        rooms + GAP * (column.len().saturating_sub(1) as f64)
    }

    /// The top edge of every node: each column centred on the tallest, each node centred
    /// in its room.
    fn layout(nodes: &[Node<'_>], columns: &Columns) -> Vec<f64> {
        let tallest = columns.iter().map(|c| extent(nodes, c)).fold(0.0, f64::max);
        let mut tops = vec![0.0; nodes.len()];
        for column in columns {
            let mut y = TOP + (tallest - extent(nodes, column)) / 2.0;
            for &i in column {
                if let (Some(node), Some(top)) = (nodes.get(i), tops.get_mut(i)) {
                    *top = y + (room(node) - node.height) / 2.0;
                    y += room(node) + GAP;
                }
            }
        }
        tops
    }

    fn centre(nodes: &[Node<'_>], tops: &[f64], i: usize) -> f64 {
        tops.get(i).copied().unwrap_or(0.0) + nodes.get(i).map_or(0.0, |n| n.height) / 2.0
    }

    /// Sorts `column` by the flow-weighted mean centre of each node's neighbours on the
    /// other side of `links` (sources when `incoming`, targets otherwise); a node with no
    /// such neighbour keeps its own centre. Ties keep the current order.
    fn sort_by_barycenter(
        nodes: &[Node<'_>],
        links: &[Link],
        tops: &[f64],
        column: &mut [usize],
        incoming: bool,
    ) {
        let mut keyed: Vec<(f64, usize, usize)> = column
            .iter()
            .enumerate()
            .map(|(rank, &i)| {
                let (mut sum, mut weight) = (0.0, 0.0);
                for link in links {
                    let (me, other) = if incoming {
                        (link.to, link.from)
                    } else {
                        (link.from, link.to)
                    };
                    if me == i {
                        sum += centre(nodes, tops, other) * link.thickness;
                        weight += link.thickness;
                    }
                }
                let barycenter = if weight > 0.0 {
                    sum / weight
                } else {
                    centre(nodes, tops, i)
                };
                // To a hundredth of a pixel, so that rounding noise (a mean of equal
                // heights that differs in the last bit) cannot reorder a tie.
                ((barycenter * 100.0).round(), rank, i)
            })
            .collect();
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for (slot, (_, _, i)) in column.iter_mut().zip(keyed) {
            *slot = i;
        }
    }

    /// How much ribbon crosses: for every two links between the same pair of columns
    /// that cross, the thinner one's thickness.
    fn crossing(nodes: &[Node<'_>], links: &[Link], tops: &[f64]) -> f64 {
        let mut total = 0.0;
        for (a, first) in links.iter().enumerate() {
            for second in links.iter().skip(a.saturating_add(1)) {
                let same_columns = nodes.get(first.from).map(|n| n.node.column())
                    == nodes.get(second.from).map(|n| n.node.column())
                    && nodes.get(first.to).map(|n| n.node.column())
                        == nodes.get(second.to).map(|n| n.node.column());
                if !same_columns {
                    continue;
                }
                let left = centre(nodes, tops, first.from) - centre(nodes, tops, second.from);
                let right = centre(nodes, tops, first.to) - centre(nodes, tops, second.to);
                if left * right < 0.0 {
                    total += first.thickness.min(second.thickness);
                }
            }
        }
        total
    }

    /// The node order with the least crossing ribbon among the graph's own order and the
    /// orders the barycenter sweeps reach.
    fn order(nodes: &[Node<'_>], links: &[Link], mut columns: Columns) -> Columns {
        let mut tops = layout(nodes, &columns);
        let mut best = (crossing(nodes, links, &tops), columns.clone());
        for _ in 0..SWEEPS {
            for c in 1..columns.len() {
                if let Some(column) = columns.get_mut(c) {
                    sort_by_barycenter(nodes, links, &tops, column, true);
                }
                tops = layout(nodes, &columns);
            }
            for c in (0..columns.len().saturating_sub(1)).rev() {
                if let Some(column) = columns.get_mut(c) {
                    sort_by_barycenter(nodes, links, &tops, column, false);
                }
                tops = layout(nodes, &columns);
            }
            let score = crossing(nodes, links, &tops);
            if score < best.0 {
                best = (score, columns.clone());
            }
        }
        best.1
    }

    /// A text element with a white halo, so that it reads over ribbons.
    /// A label with a white halo so it stays legible over ribbons.
    fn text(
        out: &mut Xml,
        (x, y): (f64, f64),
        size: u32,
        fill: &str,
        content: &str,
    ) -> Result<(), ReportError> {
        out.element(
            "text",
            &[
                ("x", &format!("{x:.2}")),
                ("y", &format!("{y:.2}")),
                ("font-size", &size.to_string()),
                ("fill", fill),
                ("stroke", "#ffffff"),
                ("stroke-width", "3"),
                ("stroke-linejoin", "round"),
                ("paint-order", "stroke"),
            ],
            content,
        )
    }

    /// The nodes of `edges` in order, each with its value: the larger of what flows in
    /// and what flows out.
    fn node_values<'g>(
        edges: &[&'g super::FlowEdge],
        measure: Measure,
    ) -> (Vec<&'g FlowNode>, Vec<Money>) {
        let mut inflow: BTreeMap<&FlowNode, Money> = BTreeMap::new();
        let mut outflow: BTreeMap<&FlowNode, Money> = BTreeMap::new();
        for e in edges {
            let a = e.amount(measure);
            let o = outflow.entry(&e.from).or_default();
            *o = o.checked_add(a).unwrap_or(*o);
            let i = inflow.entry(&e.to).or_default();
            *i = i.checked_add(a).unwrap_or(*i);
        }
        let mut keys: Vec<&FlowNode> = inflow.keys().chain(outflow.keys()).copied().collect();
        keys.sort_unstable();
        keys.dedup();
        let values: Vec<Money> = keys
            .iter()
            .map(|node| {
                inflow
                    .get(node)
                    .copied()
                    .unwrap_or_default()
                    .max(outflow.get(node).copied().unwrap_or_default())
            })
            .collect();
        (keys, values)
    }

    /// Pixels per dollar: one scale for the whole picture, the fullest column filling the
    /// height.
    fn scale(keys: &[&FlowNode], values: &[Money]) -> f64 {
        let usable = HEIGHT - TOP - BOTTOM;
        let mut totals = [0.0_f64; 5];
        let mut counts = [0_usize; 5];
        for (node, value) in keys.iter().zip(values) {
            if let (Some(t), Some(n)) =
                (totals.get_mut(node.column()), counts.get_mut(node.column()))
            {
                *t += pixels(*value);
                *n = n.saturating_add(1);
            }
        }
        let mut scale = f64::INFINITY;
        for (total, count) in totals.iter().zip(counts) {
            let gaps = GAP * (count.saturating_sub(1) as f64);
            if *total > 0.0 {
                scale = scale.min((usable - gaps).max(usable / 4.0) / total);
            }
        }
        if scale.is_finite() { scale } else { 0.0 }
    }

    pub(super) fn render(
        graph: &FlowGraph,
        measure: Measure,
        labels: &BTreeMap<FlowNode, String>,
    ) -> Result<String, ReportError> {
        let edges: Vec<_> = graph
            .edges
            .iter()
            .filter(|e| e.amount(measure).is_positive())
            .collect();
        let (keys, values) = node_values(&edges, measure);
        let scale = scale(&keys, &values);
        let nodes: Vec<Node<'_>> = keys
            .iter()
            .zip(&values)
            .map(|(node, value)| Node {
                node,
                value: *value,
                height: (pixels(*value) * scale).max(2.0),
            })
            .collect();
        let index: BTreeMap<&FlowNode, usize> =
            keys.iter().enumerate().map(|(i, n)| (*n, i)).collect();
        let links: Vec<Link> = edges
            .iter()
            .filter_map(|e| {
                Some(Link {
                    from: *index.get(&e.from)?,
                    to: *index.get(&e.to)?,
                    thickness: pixels(e.amount(measure)) * scale,
                })
            })
            .collect();
        let mut columns: Columns = Default::default();
        for (i, node) in nodes.iter().enumerate() {
            if let Some(column) = columns.get_mut(node.node.column()) {
                column.push(i);
            }
        }
        let columns = order(&nodes, &links, columns);
        let tops = layout(&nodes, &columns);
        let bottom = nodes
            .iter()
            .zip(&tops)
            .map(|(n, top)| top + room(n))
            .fold(TOP, f64::max);
        let height = (bottom + BOTTOM).max(HEIGHT);
        let picture = Picture {
            graph,
            measure,
            labels,
            edges: &edges,
            nodes: &nodes,
            links: &links,
            tops: &tops,
            height,
        };
        let mut out = Xml::new(false)?;
        picture.header(&mut out)?;
        picture.ribbons(&mut out)?;
        picture.boxes(&mut out)?;
        out.close("svg")?;
        out.finish()
    }

    /// A laid-out picture, ready to draw.
    struct Picture<'a> {
        graph: &'a FlowGraph,
        measure: Measure,
        labels: &'a BTreeMap<FlowNode, String>,
        edges: &'a [&'a super::FlowEdge],
        nodes: &'a [Node<'a>],
        links: &'a [Link],
        tops: &'a [f64],
        height: f64,
    }

    impl Picture<'_> {
        fn top_of(&self, i: usize) -> f64 {
            self.tops.get(i).copied().unwrap_or(0.0)
        }

        fn x_of(&self, i: usize) -> f64 {
            self.nodes
                .get(i)
                .and_then(|n| COLUMN_X.get(n.node.column()))
                .copied()
                .unwrap_or(0.0)
        }

        fn label_of(&self, node: &FlowNode) -> &str {
            self.labels.get(node).map_or("", String::as_str)
        }

        /// The `<svg>` element, its background, title and column titles.
        fn header(&self, out: &mut Xml) -> Result<(), ReportError> {
            let (height, measure, graph) = (self.height, self.measure, self.graph);
            let height_text = format!("{height:.0}");
            let width_text = format!("{WIDTH:.0}");
            out.open(
                "svg",
                &[
                    ("xmlns", "http://www.w3.org/2000/svg"),
                    ("width", &width_text),
                    ("height", &height_text),
                    ("viewBox", &format!("0 0 {WIDTH:.0} {height:.0}")),
                    ("font-family", "Helvetica, Arial, sans-serif"),
                ],
            )?;
            out.empty(
                "rect",
                &[
                    ("x", "0"),
                    ("y", "0"),
                    ("width", &width_text),
                    ("height", &height_text),
                    ("fill", "#ffffff"),
                ],
            )?;
            out.element(
                "text",
                &[
                    ("x", "40"),
                    ("y", "32"),
                    ("font-size", "20"),
                    ("font-weight", "bold"),
                ],
                &format!("Funding flow: {} as of {}", measure.as_str(), graph.as_of),
            )?;
            for (c, title) in COLUMN_TITLES.iter().enumerate() {
                let x = COLUMN_X.get(c).copied().unwrap_or(0.0);
                out.element(
                    "text",
                    &[
                        ("x", &format!("{x:.1}")),
                        ("y", "66"),
                        ("font-size", "14"),
                        ("fill", "#555555"),
                    ],
                    title,
                )?;
            }
            Ok(())
        }

        /// The links, drawn first so that nodes cover their ends.
        fn ribbons(&self, out: &mut Xml) -> Result<(), ReportError> {
            let (starts, ends) = stack(self.nodes, self.links, self.tops);
            for label in self.labels.values() {
                xml::check("a node's label", label)?;
            }
            let rows = self.links.iter().zip(self.edges).zip(&starts).zip(&ends);
            for (((link, e), y0), y1) in rows {
                let (y0, y1, thickness) = (*y0, *y1, link.thickness);
                let x0 = self.x_of(link.from) + NODE_WIDTH;
                let x1 = self.x_of(link.to);
                let xm = (x0 + x1) / 2.0;
                let color = COLORS.get(e.from.column()).copied().unwrap_or("#999999");
                let (y0b, y1b) = (y0 + thickness, y1 + thickness);
                let d = format!(
                    "M{x0:.2},{y0:.2} C{xm:.2},{y0:.2} {xm:.2},{y1:.2} {x1:.2},{y1:.2} L{x1:.2},{y1b:.2} C{xm:.2},{y1b:.2} {xm:.2},{y0b:.2} {x0:.2},{y0b:.2} Z"
                );
                out.open(
                    "path",
                    &[
                        ("d", &d),
                        ("fill", color),
                        ("fill-opacity", "0.35"),
                        ("stroke", "none"),
                    ],
                )?;
                let tooltip = format!(
                    "{} → {}: allocated {}, obligated {}, disbursed {}",
                    self.label_of(&e.from),
                    self.label_of(&e.to),
                    e.allocated,
                    e.obligated,
                    e.disbursed,
                );
                out.element("title", &[], &tooltip)?;
                out.close("path")?;
            }
            Ok(())
        }

        /// The nodes and their two-line labels.
        fn boxes(&self, out: &mut Xml) -> Result<(), ReportError> {
            for (i, n) in self.nodes.iter().enumerate() {
                let color = COLORS.get(n.node.column()).copied().unwrap_or("#999999");
                let label = self.label_of(n.node);
                let (x, y) = (self.x_of(i), self.top_of(i));
                out.open(
                    "rect",
                    &[
                        ("x", &format!("{x:.2}")),
                        ("y", &format!("{y:.2}")),
                        ("width", &format!("{NODE_WIDTH:.0}")),
                        ("height", &format!("{:.2}", n.height)),
                        ("fill", color),
                    ],
                )?;
                out.element("title", &[], &format!("{label}: {}", n.value))?;
                out.close("rect")?;
                let tx = x + NODE_WIDTH + 6.0;
                let ty = y + n.height / 2.0;
                text(out, (tx, ty - 2.0), 13, "#000000", label)?;
                text(out, (tx, ty + 12.0), 12, "#444444", &n.value.to_string())?;
            }
            Ok(())
        }
    }

    /// Where each link starts on its source node and ends on its target: each node stacks
    /// its links in the order of the nodes at their other ends, top to bottom, so that links
    /// leaving or entering one node do not cross each other.
    fn stack(nodes: &[Node<'_>], links: &[Link], tops: &[f64]) -> (Vec<f64>, Vec<f64>) {
        let top_of = |i: usize| tops.get(i).copied().unwrap_or(0.0);
        let mut order: Vec<usize> = (0..links.len()).collect();
        let mut starts = vec![0.0; links.len()];
        let mut ends = vec![0.0; links.len()];
        let mut used = vec![0.0; nodes.len()];
        order.sort_by(|&a, &b| {
            let ya = links.get(a).map_or(0.0, |l| top_of(l.to));
            let yb = links.get(b).map_or(0.0, |l| top_of(l.to));
            ya.total_cmp(&yb).then(a.cmp(&b))
        });
        for &i in &order {
            if let (Some(link), Some(start)) = (links.get(i), starts.get_mut(i))
                && let Some(u) = used.get_mut(link.from)
            {
                *start = top_of(link.from) + *u;
                *u += link.thickness;
            }
        }
        let mut used = vec![0.0; nodes.len()];
        order.sort_by(|&a, &b| {
            let ya = links.get(a).map_or(0.0, |l| top_of(l.from));
            let yb = links.get(b).map_or(0.0, |l| top_of(l.from));
            ya.total_cmp(&yb).then(a.cmp(&b))
        });
        for &i in &order {
            if let (Some(link), Some(end)) = (links.get(i), ends.get_mut(i))
                && let Some(u) = used.get_mut(link.to)
            {
                *end = top_of(link.to) + *u;
                *u += link.thickness;
            }
        }
        (starts, ends)
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::budget::FundsHolder;
        use crate::report::FlowEdge;

        fn node(n: &FlowNode, value: i64) -> Node<'_> {
            Node {
                node: n,
                value: Money::from_cents(value),
                height: (value as f64) / 100.0,
            }
        }

        #[test]
        fn sweeps_untangle_a_crossing_and_labels_keep_their_room() {
            let holder = |s: &str| FlowNode::Holder(s.parse::<FundsHolder>().unwrap());
            let keys = [
                FlowNode::Account("011-2008-1081".parse().unwrap()),
                FlowNode::Account("011-2008/2009-1082".parse().unwrap()),
                holder("DSCA"),
                holder("STATE-PM"),
            ];
            // The graph's own order crosses: the first account feeds the second holder.
            let nodes: Vec<Node<'_>> = keys.iter().map(|n| node(n, 10_000)).collect();
            let links = [
                Link {
                    from: 0,
                    to: 3,
                    thickness: 100.0,
                },
                Link {
                    from: 1,
                    to: 2,
                    thickness: 100.0,
                },
            ];
            let columns: Columns = [vec![0, 1], vec![2, 3], vec![], vec![], vec![]];
            let before = layout(&nodes, &columns);
            assert!(crossing(&nodes, &links, &before) > 0.0);
            let ordered = order(&nodes, &links, columns.clone());
            let after = layout(&nodes, &ordered);
            assert_eq!(crossing(&nodes, &links, &after), 0.0);
            assert_eq!(ordered, order(&nodes, &links, columns), "deterministic");
            // Tiny nodes still get room for their two label lines.
            let tiny: Vec<Node<'_>> = keys.iter().map(|n| node(n, 1)).collect();
            let tops = layout(&tiny, &ordered);
            for column in &ordered {
                for pair in column.windows(2) {
                    assert!(tops[pair[1]] - tops[pair[0]] >= LABEL_ROOM);
                }
            }
        }

        #[test]
        fn markup_in_labels_is_escaped_and_parses_back() {
            use quick_xml::events::Event;
            let holder = "R&D<\"x\">'y'";
            let graph = FlowGraph {
                as_of: chrono::NaiveDate::from_ymd_opt(2008, 9, 30).unwrap(),
                edges: vec![FlowEdge {
                    from: FlowNode::Account("011-2008-1081".parse().unwrap()),
                    to: FlowNode::Holder(holder.parse().unwrap()),
                    allocated: "5".parse().unwrap(),
                    obligated: Money::ZERO,
                    disbursed: Money::ZERO,
                }],
            };
            let svg = graph.svg(Measure::Allocated).unwrap();
            let mut reader = quick_xml::Reader::from_str(&svg);
            reader.config_mut().check_end_names = true;
            let mut text = String::new();
            loop {
                match reader.read_event().unwrap() {
                    Event::Text(t) => text.push_str(&t.decode().unwrap()),
                    Event::GeneralRef(r) => text.push_str(
                        quick_xml::escape::resolve_predefined_entity(&r.decode().unwrap()).unwrap(),
                    ),
                    Event::Eof => break,
                    _ => {}
                }
            }
            assert!(text.contains(&format!("{holder}: $5.00")), "{text}");
        }

        #[test]
        fn amounts_in_the_picture_are_the_exact_money() {
            let graph = FlowGraph {
                as_of: chrono::NaiveDate::from_ymd_opt(2008, 9, 30).unwrap(),
                edges: vec![FlowEdge {
                    from: FlowNode::Account("011-2008-1081".parse().unwrap()),
                    to: FlowNode::Holder("DSCA".parse().unwrap()),
                    allocated: "0.1".parse().unwrap(),
                    obligated: "0.07".parse().unwrap(),
                    disbursed: Money::ZERO,
                }],
            };
            let svg = graph.svg(Measure::Allocated).unwrap();
            assert!(svg.contains(">$0.10</text>"));
            assert!(svg.contains("allocated $0.10, obligated $0.07, disbursed $0.00"));
            assert_eq!(svg, graph.svg(Measure::Allocated).unwrap());
        }
    }
}
