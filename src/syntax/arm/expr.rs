//! ARM template expressions: the language inside `"[…]"` strings: function calls (user-defined
//! ones as `namespace.name(…)`), `'…'` strings (`''` escapes a quote), integers, member access
//! `.x` and index `[i]`. Nesting and postfix chains are bounded: the evaluator recurses over
//! the tree.

#[derive(Debug, Clone, PartialEq)]
pub enum ArmExpr {
    String(String),
    Int(i64),
    Bool(bool),
    Null,
    Call { name: String, args: Vec<ArmExpr> },
    Member { base: Box<ArmExpr>, name: String },
    Index { base: Box<ArmExpr>, index: Box<ArmExpr> },
}

/// What a JSON string holds: plain text, or an expression.
pub enum StringForm<'a> {
    Literal(std::borrow::Cow<'a, str>),
    Expression(&'a str),
}

/// `"[expr]"` is an expression; `"[[…"` is the literal text `[…`.
pub fn classify(s: &str) -> StringForm<'_> {
    if let Some(rest) = s.strip_prefix("[[") {
        return StringForm::Literal(format!("[{rest}").into());
    }
    match s.strip_prefix('[').and_then(|r| r.trim_end().strip_suffix(']')) {
        Some(inner) => StringForm::Expression(inner),
        None => StringForm::Literal(s.into()),
    }
}

const MAX_DEPTH: usize = 64;

/// Whether a parse error is a bound of this parser (nesting, postfix chains), not a mistake
/// in the expression: the scan reports it, as it does the Bicep parser's.
pub fn is_bound(error: &str) -> bool {
    error.starts_with("expression nested deeper than") || error.starts_with("more than")
}

/// At most this many `.x` and `[i]` after one value: each is a level of the tree.
const MAX_POSTFIX: usize = 256;

pub fn parse(text: &str) -> Result<ArmExpr, String> {
    let mut parser = Parser { chars: text.as_bytes(), text, pos: 0, depth: 0 };
    let expr = parser.expr()?;
    parser.skip_ws();
    if parser.pos < parser.chars.len() {
        return Err(format!("unexpected `{}` in expression", &text[parser.pos..]));
    }
    Ok(expr)
}

struct Parser<'a> {
    chars: &'a [u8],
    text: &'a str,
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn skip_ws(&mut self) {
        while self.chars.get(self.pos).is_some_and(|c| c.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.skip_ws();
        if self.chars.get(self.pos) == Some(&c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expr(&mut self) -> Result<ArmExpr, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(format!("expression nested deeper than {MAX_DEPTH} calls and brackets"));
        }
        let mut expr = self.primary()?;
        let mut postfix = 0;
        loop {
            postfix += 1;
            if postfix > MAX_POSTFIX {
                return Err(format!("more than {MAX_POSTFIX} `.` and `[…]` in a row"));
            }
            if self.eat(b'.') {
                let name = self.ident().ok_or("expected a property name after `.`")?;
                expr = ArmExpr::Member { base: Box::new(expr), name };
            } else if self.eat(b'[') {
                let index = self.expr()?;
                if !self.eat(b']') {
                    return Err("expected `]`".into());
                }
                expr = ArmExpr::Index { base: Box::new(expr), index: Box::new(index) };
            } else {
                break;
            }
        }
        self.depth -= 1;
        Ok(expr)
    }

    fn ident(&mut self) -> Option<String> {
        self.skip_ws();
        let start = self.pos;
        while self.chars.get(self.pos).is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'$') {
            self.pos += 1;
        }
        (self.pos > start).then(|| self.text[start..self.pos].to_string())
    }

    fn primary(&mut self) -> Result<ArmExpr, String> {
        self.skip_ws();
        match self.chars.get(self.pos) {
            Some(b'\'') => {
                self.pos += 1;
                let mut out = String::new();
                let mut start = self.pos;
                loop {
                    match self.chars.get(self.pos) {
                        None => return Err("unterminated string".into()),
                        Some(b'\'') if self.chars.get(self.pos + 1) == Some(&b'\'') => {
                            out.push_str(&self.text[start..=self.pos]);
                            self.pos += 2;
                            start = self.pos;
                        }
                        Some(b'\'') => {
                            out.push_str(&self.text[start..self.pos]);
                            self.pos += 1;
                            return Ok(ArmExpr::String(out));
                        }
                        Some(_) => self.pos += 1,
                    }
                }
            }
            Some(c) if c.is_ascii_digit() || *c == b'-' => {
                let start = self.pos;
                self.pos += 1;
                while self.chars.get(self.pos).is_some_and(u8::is_ascii_digit) {
                    self.pos += 1;
                }
                self.text[start..self.pos]
                    .parse()
                    .map(ArmExpr::Int)
                    .map_err(|_| format!("`{}` is not an integer", &self.text[start..self.pos]))
            }
            _ => {
                let mut name = self.ident().ok_or_else(|| {
                    format!("expected a function name, found `{}`", self.text.get(self.pos..).unwrap_or(""))
                })?;
                // A user-defined function: `namespace.member(…)`.
                let before = self.pos;
                if self.eat(b'.')
                    && let Some(member) = self.ident()
                    && self.chars.get(self.pos) == Some(&b'(')
                {
                    name = format!("{name}.{member}");
                } else {
                    self.pos = before;
                }
                if !self.eat(b'(') {
                    return match name.to_ascii_lowercase().as_str() {
                        "true" => Ok(ArmExpr::Bool(true)),
                        "false" => Ok(ArmExpr::Bool(false)),
                        "null" => Ok(ArmExpr::Null),
                        _ => Err(format!("expected `(` after `{name}`")),
                    };
                }
                let mut args = Vec::new();
                if !self.eat(b')') {
                    loop {
                        args.push(self.expr()?);
                        if self.eat(b')') {
                            break;
                        }
                        if !self.eat(b',') {
                            return Err(format!("expected `,` or `)` in the arguments of `{name}`"));
                        }
                    }
                }
                Ok(ArmExpr::Call { name, args })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_calls_members_and_escapes() {
        let e = parse("concat(parameters('a'), '/it''s')[0].x").unwrap();
        let ArmExpr::Member { base, name } = e else { panic!("{e:?}") };
        assert_eq!(name, "x");
        let ArmExpr::Index { base, .. } = *base else { panic!() };
        let ArmExpr::Call { name, args } = *base else { panic!() };
        assert_eq!(name, "concat");
        assert_eq!(args[1], ArmExpr::String("/it's".into()));
        assert!(parse("concat(").is_err());
        assert!(parse(&"f(".repeat(500)).is_err());
    }

    fn call(name: &str, args: Vec<ArmExpr>) -> ArmExpr {
        ArmExpr::Call { name: name.into(), args }
    }

    fn s(text: &str) -> ArmExpr {
        ArmExpr::String(text.into())
    }

    #[test]
    fn brackets_and_quotes_inside_strings() {
        let StringForm::Expression(inner) = classify("[concat('[', 'x]')]") else { panic!() };
        assert_eq!(parse(inner).unwrap(), call("concat", vec![s("["), s("x]")]));
        assert_eq!(parse("concat('''', 'it''s', '')").unwrap(), call("concat", vec![s("'"), s("it's"), s("")]));
        assert!(matches!(classify("[[notAnExpression()]"), StringForm::Literal(t) if t == "[notAnExpression()]"));
        assert!(matches!(classify("plain [text]"), StringForm::Literal(_)));
        assert!(parse("concat('a)").is_err());
    }

    #[test]
    fn whitespace_members_and_indices_after_calls() {
        let e = parse("  reference( 'x' ) . properties [ 'a-b' ] [0].$schema ").unwrap();
        let ArmExpr::Member { base, name } = e else { panic!() };
        assert_eq!(name, "$schema");
        let ArmExpr::Index { base, index } = *base else { panic!() };
        assert_eq!(*index, ArmExpr::Int(0));
        let ArmExpr::Index { base, index } = *base else { panic!() };
        assert_eq!(*index, s("a-b"));
        assert!(matches!(*base, ArmExpr::Member { .. }));
        assert_eq!(parse("createArray(-1, 2)").unwrap(), call("createArray", vec![ArmExpr::Int(-1), ArmExpr::Int(2)]));
        assert_eq!(parse("null()").unwrap(), call("null", vec![]));
    }

    #[test]
    fn user_defined_functions_are_namespaced_calls() {
        let e = parse("contoso.uniqueName(parameters('prefix')).length").unwrap();
        let ArmExpr::Member { base, .. } = e else { panic!() };
        assert_eq!(*base, call("contoso.uniqueName", vec![call("parameters", vec![s("prefix")])]));
        assert_eq!(parse("__bicep.barTest()").unwrap(), call("__bicep.barTest", vec![]));
        assert!(parse("contoso.uniqueName").is_err());
        assert!(parse("contoso.").is_err());
    }

    #[test]
    fn hostile_expressions_are_refused_not_followed() {
        assert!(parse(&format!("x(){}", ".a".repeat(100_000))).is_err());
        assert!(parse(&format!("x(){}", "[0]".repeat(100_000))).is_err());
        assert!(parse(&"[".repeat(1000)).is_err());
        assert!(parse("99999999999999999999").is_err());
        for text in ["", "(", ")", "'", ",", "f(,)", "f(1,)", "a.b.c(", "-", "f()..x", "é()"] {
            let _ = parse(text);
        }
    }
}
