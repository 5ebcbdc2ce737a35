//! The textual condition language: lexer, recursive-descent parser with a depth cap, AST and
//! canonical printer.
//!
//! Grammar (keywords are lower case, names and values are case-sensitive):
//!
//! ```text
//! expr    := and ('or' and)*
//! and     := unary ('and' unary)*
//! unary   := 'not' unary | atom
//! atom    := '(' expr ')' | 'true' | 'false' | test
//! test    := ATTR ('==' | '!=' | '<' | '<=' | '>' | '>=') value
//!          | ATTR ['not'] 'in' list
//!          | ATTR 'contains' STRING
//!          | ATTR                                  (boolean attributes only)
//! value   := STRING | 'true' | 'false'
//! list    := '[' STRING (',' STRING)* [','] ']'
//! STRING  := '…' | "…"                             (no escapes)
//! ATTR    := user_region | data_classification
//!          | provider.name | provider.region | provider.certifications | provider.on_prem
//! ```

use core::fmt;

use super::error::{quote, ErrorKind, ResidencyError};

/// Longest condition text accepted, in bytes.
pub const MAX_CONDITION_LEN: usize = 4096;
/// Deepest nesting of parentheses and `not` accepted.
pub const MAX_DEPTH: usize = 32;
/// Longest `in [...]` list accepted.
pub const MAX_LIST_LEN: usize = 256;

/// An attribute a condition can test.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Attr {
    UserRegion,
    DataClassification,
    ProviderName,
    ProviderRegion,
    ProviderCertifications,
    ProviderOnPrem,
}

impl Attr {
    const ALL: [Attr; 6] = [
        Attr::UserRegion,
        Attr::DataClassification,
        Attr::ProviderName,
        Attr::ProviderRegion,
        Attr::ProviderCertifications,
        Attr::ProviderOnPrem,
    ];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Attr::UserRegion => "user_region",
            Attr::DataClassification => "data_classification",
            Attr::ProviderName => "provider.name",
            Attr::ProviderRegion => "provider.region",
            Attr::ProviderCertifications => "provider.certifications",
            Attr::ProviderOnPrem => "provider.on_prem",
        }
    }

    pub(crate) fn is_request(self) -> bool {
        matches!(self, Attr::UserRegion | Attr::DataClassification)
    }

    fn from_name(s: &str) -> Option<Attr> {
        Attr::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// A string literal and the byte offset of its opening quote.
#[derive(Clone, Debug)]
pub(crate) struct Lit {
    pub(crate) text: String,
    pub(crate) pos: usize,
}

/// The parsed, unresolved form of a condition. Names are checked against a catalog later.
#[derive(Clone, Debug)]
pub(crate) enum Expr {
    Bool(bool),
    Not(Box<Expr>),
    All(Vec<Expr>),
    Any(Vec<Expr>),
    /// `attr op 'value'` on a string-valued attribute.
    Cmp {
        attr: Attr,
        attr_pos: usize,
        op: CmpOp,
        value: Lit,
    },
    /// `attr [not] in [...]`.
    In {
        attr: Attr,
        attr_pos: usize,
        negated: bool,
        values: Vec<Lit>,
    },
    /// `provider.certifications contains 'x'`.
    Contains {
        value: Lit,
    },
    /// `provider.on_prem` (or `provider.on_prem == true/false`, normalised to this form with
    /// `Not`), with the attribute's byte offset.
    OnPrem(usize),
}

impl Expr {
    /// Calls `f` on every attribute use with its position.
    pub(crate) fn attrs(&self, f: &mut dyn FnMut(Attr, usize)) {
        match self {
            Expr::Bool(_) => {}
            Expr::Not(e) => e.attrs(f),
            Expr::All(es) | Expr::Any(es) => es.iter().for_each(|e| e.attrs(f)),
            Expr::Cmp { attr, attr_pos, .. } | Expr::In { attr, attr_pos, .. } => {
                f(*attr, *attr_pos)
            }
            Expr::Contains { value } => f(Attr::ProviderCertifications, value.pos),
            Expr::OnPrem(pos) => f(Attr::ProviderOnPrem, *pos),
        }
    }
}

/// A parsed condition, printable in canonical form.
///
/// Most hosts never touch this type: rule sets hold condition text and
/// [`RuleSet::compile`](super::RuleSet::compile) parses it. It is public so tools can check a
/// condition on its own and print it canonically (whitespace normalised, `in` lists sorted and
/// deduplicated, nested `and`/`or` flattened, `==` on `provider.on_prem` written as the bare
/// attribute). Parsing the canonical text gives the same canonical text again.
///
/// ```
/// use lastgate::residency::Condition;
///
/// let c = Condition::parse("user_region in ['UK','EU','EU'] and not (data_classification == 'PHI')")?;
/// assert_eq!(c.to_string(), "user_region in ['EU', 'UK'] and not data_classification == 'PHI'");
///
/// let err = Condition::parse("user_region in ['EU'").unwrap_err();
/// assert_eq!(err.offset(), Some(20));
/// # Ok::<(), lastgate::residency::ResidencyError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Condition {
    pub(crate) expr: Expr,
}

impl Condition {
    /// Parses condition text. Attribute names and operators are checked here; values are
    /// checked against a catalog when a rule set is compiled.
    ///
    /// Never panics. Text longer than 4096 bytes, nesting deeper than 32 levels and lists longer
    /// than 256 items are refused with an [`ErrorKind::Limit`] error that gives the byte offset.
    pub fn parse(text: &str) -> Result<Condition, ResidencyError> {
        parse(text).map(|expr| Condition { expr })
    }
}

impl core::str::FromStr for Condition {
    type Err = ResidencyError;
    fn from_str(s: &str) -> Result<Condition, ResidencyError> {
        Condition::parse(s)
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_expr(f, &self.expr)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Condition {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Condition {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Condition, D::Error> {
        let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        Condition::parse(&s).map_err(serde::de::Error::custom)
    }
}

// ---------------------------------------------------------------------------------------------
// Canonical printing.

fn sorted_values(values: &[Lit]) -> Vec<&str> {
    let mut v: Vec<&str> = values.iter().map(|l| l.text.as_str()).collect();
    v.sort_unstable();
    v.dedup();
    v
}

fn write_expr(f: &mut fmt::Formatter<'_>, e: &Expr) -> fmt::Result {
    match e {
        Expr::Bool(b) => write!(f, "{b}"),
        Expr::Not(inner) => {
            f.write_str("not ")?;
            write_child(f, inner)
        }
        Expr::All(es) | Expr::Any(es) => {
            let sep = if matches!(e, Expr::All(_)) {
                " and "
            } else {
                " or "
            };
            for (i, c) in es.iter().enumerate() {
                if i > 0 {
                    f.write_str(sep)?;
                }
                write_child(f, c)?;
            }
            Ok(())
        }
        Expr::Cmp {
            attr, op, value, ..
        } => {
            write!(f, "{} {} ", attr.as_str(), op.as_str())?;
            write_lit(f, &value.text)
        }
        Expr::In {
            attr,
            negated,
            values,
            ..
        } => {
            write!(
                f,
                "{} {}in [",
                attr.as_str(),
                if *negated { "not " } else { "" }
            )?;
            for (i, v) in sorted_values(values).into_iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write_lit(f, v)?;
            }
            f.write_str("]")
        }
        Expr::Contains { value } => {
            f.write_str("provider.certifications contains ")?;
            write_lit(f, &value.text)
        }
        Expr::OnPrem(_) => f.write_str("provider.on_prem"),
    }
}

/// Writes a string literal in single quotes, or in double quotes when it contains a single
/// quote. Strings have no escapes, so a parsed value never holds both kinds and the canonical
/// text always re-parses to the same value (found by the `residency_condition` fuzz target).
fn write_lit(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    if s.contains('\'') {
        write!(f, "\"{s}\"")
    } else {
        write!(f, "'{s}'")
    }
}

/// Children of `and`, `or` and `not` that are themselves `and`/`or` get parentheses.
fn write_child(f: &mut fmt::Formatter<'_>, e: &Expr) -> fmt::Result {
    if matches!(e, Expr::All(_) | Expr::Any(_)) {
        f.write_str("(")?;
        write_expr(f, e)?;
        f.write_str(")")
    } else {
        write_expr(f, e)
    }
}

// ---------------------------------------------------------------------------------------------
// Lexer.

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Op(CmpOp),
    Str(String),
    Word(String),
    End,
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::LParen => "`(`".into(),
        Tok::RParen => "`)`".into(),
        Tok::LBracket => "`[`".into(),
        Tok::RBracket => "`]`".into(),
        Tok::Comma => "`,`".into(),
        Tok::Op(op) => format!("`{}`", op.as_str()),
        Tok::Str(s) => format!("string {}", quote(s)),
        Tok::Word(w) => quote(w),
        Tok::End => "end of condition".into(),
    }
}

fn lex(text: &str) -> Result<Vec<(Tok, usize)>, ResidencyError> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let start = i;
        let tok = match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'(' => Tok::LParen,
            b')' => Tok::RParen,
            b'[' => Tok::LBracket,
            b']' => Tok::RBracket,
            b',' => Tok::Comma,
            b'=' | b'!' | b'<' | b'>' => {
                let next_eq = b.get(i + 1) == Some(&b'=');
                let op = match (c, next_eq) {
                    (b'=', true) => CmpOp::Eq,
                    (b'!', true) => CmpOp::Ne,
                    (b'<', true) => CmpOp::Le,
                    (b'>', true) => CmpOp::Ge,
                    (b'<', false) => CmpOp::Lt,
                    (b'>', false) => CmpOp::Gt,
                    _ => {
                        return Err(ResidencyError::at(
                            ErrorKind::Syntax,
                            i,
                            "expected `==` or `!=` (a single `=` or `!` is not an operator)",
                        ))
                    }
                };
                i += if next_eq { 2 } else { 1 };
                out.push((Tok::Op(op), start));
                continue;
            }
            b'\'' | b'"' => {
                let close = b
                    .get(i + 1..)
                    .and_then(|rest| memchr::memchr(c, rest))
                    .ok_or_else(|| {
                        ResidencyError::at(ErrorKind::Syntax, start, "unterminated string")
                    })?;
                let s = text.get(i + 1..i + 1 + close).ok_or_else(|| {
                    ResidencyError::at(ErrorKind::Syntax, start, "malformed string")
                })?;
                i += close + 2;
                out.push((Tok::Str(s.to_string()), start));
                continue;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let len = b[i..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_' || **c == b'.')
                    .count();
                let w = text.get(i..i + len).unwrap_or_default();
                i += len;
                out.push((Tok::Word(w.to_string()), start));
                continue;
            }
            _ => {
                let ch = text.get(i..).and_then(|s| s.chars().next()).unwrap_or('?');
                return Err(ResidencyError::at(
                    ErrorKind::Syntax,
                    i,
                    format!(
                        "unexpected character {}",
                        quote(ch.encode_utf8(&mut [0; 4]))
                    ),
                ));
            }
        };
        i += 1;
        out.push((tok, start));
    }
    out.push((Tok::End, text.len()));
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Parser.

struct Parser {
    toks: Vec<(Tok, usize)>,
    i: usize,
    depth: usize,
}

fn parse(text: &str) -> Result<Expr, ResidencyError> {
    if text.len() > MAX_CONDITION_LEN {
        return Err(ResidencyError::at(
            ErrorKind::Limit,
            MAX_CONDITION_LEN,
            format!("condition is longer than {MAX_CONDITION_LEN} bytes"),
        ));
    }
    let toks = lex(text)?;
    let mut p = Parser {
        toks,
        i: 0,
        depth: 0,
    };
    let e = p.expr()?;
    match p.peek() {
        Tok::End => Ok(e),
        t => Err(p.err(format!(
            "expected `and`, `or` or end, found {}",
            describe(t)
        ))),
    }
}

impl Parser {
    fn peek(&self) -> &Tok {
        self.toks.get(self.i).map(|t| &t.0).unwrap_or(&Tok::End)
    }

    fn pos(&self) -> usize {
        self.toks
            .get(self.i)
            .or(self.toks.last())
            .map(|t| t.1)
            .unwrap_or(0)
    }

    fn bump(&mut self) -> Tok {
        let t = self.peek().clone();
        if self.i < self.toks.len() {
            self.i += 1;
        }
        t
    }

    fn err(&self, msg: impl Into<String>) -> ResidencyError {
        ResidencyError::at(ErrorKind::Syntax, self.pos(), msg)
    }

    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Tok::Word(x) if x == w)
    }

    fn enter(&mut self) -> Result<(), ResidencyError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ResidencyError::at(
                ErrorKind::Limit,
                self.pos(),
                format!("conditions nest deeper than {MAX_DEPTH} levels"),
            ));
        }
        Ok(())
    }

    fn expr(&mut self) -> Result<Expr, ResidencyError> {
        let mut items = vec![self.and()?];
        while self.is_word("or") {
            self.bump();
            items.push(self.and()?);
        }
        Ok(flatten(items, false))
    }

    fn and(&mut self) -> Result<Expr, ResidencyError> {
        let mut items = vec![self.unary()?];
        while self.is_word("and") {
            self.bump();
            items.push(self.unary()?);
        }
        Ok(flatten(items, true))
    }

    fn unary(&mut self) -> Result<Expr, ResidencyError> {
        // `not not not …` is handled iteratively, but each `not` still counts against the depth
        // cap: the AST it builds is that deep, and dropping it recurses.
        let saved = self.depth;
        let mut nots = 0usize;
        while self.is_word("not") {
            self.enter()?;
            self.bump();
            nots += 1;
        }
        let mut e = self.atom()?;
        for _ in 0..nots {
            e = Expr::Not(Box::new(e));
        }
        self.depth = saved;
        Ok(e)
    }

    fn atom(&mut self) -> Result<Expr, ResidencyError> {
        let pos = self.pos();
        if matches!(self.peek(), Tok::LParen) {
            // Checked before consuming, so a too-deep error points at the offending `(`.
            self.enter()?;
        }
        match self.bump() {
            Tok::LParen => {
                let e = self.expr()?;
                self.depth -= 1;
                match self.bump() {
                    Tok::RParen => Ok(e),
                    t => {
                        self.i = self.i.saturating_sub(1);
                        Err(self.err(format!("expected `)`, found {}", describe(&t))))
                    }
                }
            }
            Tok::Word(w) if w == "true" => Ok(Expr::Bool(true)),
            Tok::Word(w) if w == "false" => Ok(Expr::Bool(false)),
            Tok::Word(w) => match Attr::from_name(&w) {
                Some(attr) => self.test(attr, pos),
                None => {
                    let known: Vec<&str> = Attr::ALL.iter().map(|a| a.as_str()).collect();
                    Err(ResidencyError::at(
                        ErrorKind::UnknownAttribute,
                        pos,
                        format!(
                            "unknown attribute {} (known: {})",
                            quote(&w),
                            known.join(", ")
                        ),
                    ))
                }
            },
            t => {
                self.i = self.i.saturating_sub(1);
                Err(self.err(format!(
                    "expected an attribute, `not`, `(`, `true` or `false`, found {}",
                    describe(&t)
                )))
            }
        }
    }

    fn test(&mut self, attr: Attr, attr_pos: usize) -> Result<Expr, ResidencyError> {
        let op_pos = self.pos();
        let op_err = |what: &str| {
            ResidencyError::at(
                ErrorKind::Operator,
                op_pos,
                format!("`{}` does not support {what}", attr.as_str()),
            )
        };
        if attr == Attr::ProviderOnPrem {
            // A boolean: bare, or compared with true/false.
            return match self.peek().clone() {
                Tok::Op(op @ (CmpOp::Eq | CmpOp::Ne)) => {
                    self.bump();
                    let b = match self.bump() {
                        Tok::Word(w) if w == "true" => true,
                        Tok::Word(w) if w == "false" => false,
                        t => {
                            self.i = self.i.saturating_sub(1);
                            return Err(self.err(format!(
                                "expected `true` or `false`, found {}",
                                describe(&t)
                            )));
                        }
                    };
                    Ok(if b == (op == CmpOp::Eq) {
                        Expr::OnPrem(attr_pos)
                    } else {
                        Expr::Not(Box::new(Expr::OnPrem(attr_pos)))
                    })
                }
                Tok::Op(op) => Err(op_err(&format!("`{}`", op.as_str()))),
                Tok::Word(w) if w == "in" || w == "contains" => Err(op_err(&format!("`{w}`"))),
                _ => Ok(Expr::OnPrem(attr_pos)),
            };
        }
        match self.bump() {
            Tok::Op(op) => {
                let ordered = matches!(op, CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge);
                if ordered && attr != Attr::DataClassification {
                    return Err(op_err(&format!(
                        "`{}` (only data_classification is ordered)",
                        op.as_str()
                    )));
                }
                if attr == Attr::ProviderCertifications {
                    return Err(op_err(&format!(
                        "`{}` (use `provider.certifications contains '…'`)",
                        op.as_str()
                    )));
                }
                let value = self.string()?;
                Ok(Expr::Cmp {
                    attr,
                    attr_pos,
                    op,
                    value,
                })
            }
            Tok::Word(w) if w == "in" || w == "not" => {
                let negated = w == "not";
                if negated {
                    match self.bump() {
                        Tok::Word(w) if w == "in" => {}
                        t => {
                            self.i = self.i.saturating_sub(1);
                            return Err(self.err(format!(
                                "expected `in` after `not`, found {}",
                                describe(&t)
                            )));
                        }
                    }
                }
                if attr == Attr::ProviderCertifications {
                    return Err(op_err("`in` (use `provider.certifications contains '…'`)"));
                }
                let values = self.list()?;
                Ok(Expr::In {
                    attr,
                    attr_pos,
                    negated,
                    values,
                })
            }
            Tok::Word(w) if w == "contains" => {
                if attr != Attr::ProviderCertifications {
                    return Err(op_err("`contains` (only provider.certifications is a set)"));
                }
                let value = self.string()?;
                Ok(Expr::Contains { value })
            }
            t => {
                self.i = self.i.saturating_sub(1);
                Err(self.err(format!(
                    "expected an operator (`==`, `!=`, `in`, `not in`, …) after `{}`, found {}",
                    attr.as_str(),
                    describe(&t)
                )))
            }
        }
    }

    fn string(&mut self) -> Result<Lit, ResidencyError> {
        let pos = self.pos();
        match self.bump() {
            Tok::Str(text) => Ok(Lit { text, pos }),
            t => {
                self.i = self.i.saturating_sub(1);
                Err(self.err(format!("expected a quoted value, found {}", describe(&t))))
            }
        }
    }

    fn list(&mut self) -> Result<Vec<Lit>, ResidencyError> {
        match self.bump() {
            Tok::LBracket => {}
            t => {
                self.i = self.i.saturating_sub(1);
                return Err(self.err(format!("expected `[`, found {}", describe(&t))));
            }
        }
        let mut values = Vec::new();
        loop {
            if matches!(self.peek(), Tok::RBracket) && !values.is_empty() {
                self.bump();
                return Ok(values);
            }
            if values.len() == MAX_LIST_LEN {
                return Err(ResidencyError::at(
                    ErrorKind::Limit,
                    self.pos(),
                    format!("lists hold at most {MAX_LIST_LEN} values"),
                ));
            }
            values.push(self.string()?);
            match self.bump() {
                Tok::Comma => {}
                Tok::RBracket => return Ok(values),
                t => {
                    self.i = self.i.saturating_sub(1);
                    return Err(self.err(format!("expected `,` or `]`, found {}", describe(&t))));
                }
            }
        }
    }
}

/// Builds an n-ary `and`/`or`, splicing children of the same operator so that the canonical
/// text re-parses to the same tree.
fn flatten(items: Vec<Expr>, all: bool) -> Expr {
    if items.len() == 1 {
        return items.into_iter().next().unwrap_or(Expr::Bool(all));
    }
    let mut out = Vec::with_capacity(items.len());
    for e in items {
        match e {
            Expr::All(inner) if all => out.extend(inner),
            Expr::Any(inner) if !all => out.extend(inner),
            other => out.push(other),
        }
    }
    if all {
        Expr::All(out)
    } else {
        Expr::Any(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str) -> String {
        Condition::parse(s).unwrap().to_string()
    }

    fn err(s: &str) -> ResidencyError {
        Condition::parse(s).unwrap_err()
    }

    #[test]
    fn parses_issue_examples() {
        assert_eq!(
            canon("user_region in ['EU', 'EEA', 'UK']"),
            "user_region in ['EEA', 'EU', 'UK']"
        );
        assert_eq!(
            canon("data_classification == 'PHI'"),
            "data_classification == 'PHI'"
        );
        assert_eq!(
            canon(
                "user_region in ['EU'] and (data_classification == 'PHI' or not provider.on_prem)"
            ),
            "user_region in ['EU'] and (data_classification == 'PHI' or not provider.on_prem)"
        );
    }

    #[test]
    fn precedence_and_binds_tighter_than_or() {
        assert_eq!(
            canon("user_region == 'A' or user_region == 'B' and data_classification == 'C'"),
            "user_region == 'A' or (user_region == 'B' and data_classification == 'C')"
        );
    }

    #[test]
    fn flattening_and_round_trip() {
        let c = canon("((true and false) and (true and (false)))");
        assert_eq!(c, "true and false and true and false");
        assert_eq!(canon(&c), c);
        let c = canon("not not (true or (false or true))");
        assert_eq!(c, "not not (true or false or true)");
        assert_eq!(canon(&c), c);
    }

    #[test]
    fn operators_and_forms() {
        assert_eq!(canon("provider.on_prem == false"), "not provider.on_prem");
        assert_eq!(canon("provider.on_prem != false"), "provider.on_prem");
        assert_eq!(
            canon("provider.certifications contains \"baa\""),
            "provider.certifications contains 'baa'"
        );
        assert_eq!(
            canon("data_classification >= 'personal'"),
            "data_classification >= 'personal'"
        );
        assert_eq!(
            canon("provider.name not in ['b','a',]"),
            "provider.name not in ['a', 'b']"
        );
    }

    #[test]
    fn errors_have_positions() {
        let e = err("user_region in ['EU'");
        assert_eq!((e.kind(), e.offset()), (ErrorKind::Syntax, Some(20)));
        let e = err("user_region = 'EU'");
        assert_eq!((e.kind(), e.offset()), (ErrorKind::Syntax, Some(12)));
        let e = err("user_regoin == 'EU'");
        assert_eq!(
            (e.kind(), e.offset()),
            (ErrorKind::UnknownAttribute, Some(0))
        );
        let e = err("true and provider.region < 'EU'");
        assert_eq!((e.kind(), e.offset()), (ErrorKind::Operator, Some(25)));
        let e = err("user_region == 'EU");
        assert_eq!((e.kind(), e.offset()), (ErrorKind::Syntax, Some(15)));
        let e = err("user_region in []");
        assert_eq!((e.kind(), e.offset()), (ErrorKind::Syntax, Some(16)));
        let e = err("(true");
        assert_eq!((e.kind(), e.offset()), (ErrorKind::Syntax, Some(5)));
        let e = err("true true");
        assert_eq!((e.kind(), e.offset()), (ErrorKind::Syntax, Some(5)));
        let e = err("");
        assert_eq!((e.kind(), e.offset()), (ErrorKind::Syntax, Some(0)));
        let e = err("user_region == 'EU' é");
        assert_eq!((e.kind(), e.offset()), (ErrorKind::Syntax, Some(20)));
        assert!(e.to_string().contains("at byte 20"), "{e}");
    }

    #[test]
    fn depth_and_length_are_capped() {
        let deep = "(".repeat(100_000);
        let e = err(&deep);
        assert_eq!(e.kind(), ErrorKind::Limit);
        assert_eq!(e.offset(), Some(MAX_CONDITION_LEN));

        let deep = format!("{}true{}", "(".repeat(40), ")".repeat(40));
        let e = err(&deep);
        assert_eq!((e.kind(), e.offset()), (ErrorKind::Limit, Some(32)));

        let nots = format!("{}true", "not ".repeat(1000));
        let e = err(&nots);
        assert_eq!((e.kind(), e.offset()), (ErrorKind::Limit, Some(128)));

        let ok = format!("{}true{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert_eq!(canon(&ok), "true");
        // Depth is nesting, not count: many siblings are fine.
        let wide = vec!["(not true)"; 250].join(" or ");
        assert!(Condition::parse(&wide).is_ok());
    }

    #[test]
    fn list_length_capped() {
        let items: Vec<String> = (0..300).map(|i| format!("'r{i}'")).collect();
        let e = err(&format!("user_region in [{}]", items.join(",")));
        assert_eq!(e.kind(), ErrorKind::Limit);
    }
}

#[cfg(test)]
mod quoting_regression {
    use super::Condition;

    /// Found by the `residency_condition` fuzz target: a double-quoted value holding a single
    /// quote was printed in single quotes, so the canonical text did not parse.
    #[test]
    fn values_with_quotes_round_trip() {
        for text in [
            r#"provider.region != "E', 'UK""#,
            r#"user_region in ["it's", 'plain']"#,
            r#"provider.certifications contains "b'a""#,
            r#"data_classification == 'say "hi"'"#,
        ] {
            let c = Condition::parse(text).expect("parses");
            let canon = c.to_string();
            let again = Condition::parse(&canon).expect("canonical text parses");
            assert_eq!(again.to_string(), canon, "{text}");
        }
    }
}
