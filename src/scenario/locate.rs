//! Finds where a dotted field path sits in RON text, so that errors found
//! after parsing (a negative power, a pool that does not exist) can name a
//! line and column, and so that `--set` can replace exactly one value.
//!
//! This reads only RON's structure (brackets, keys, strings, comments); the
//! values themselves are always parsed by `ron` against the schema.
//!
//! ```
//! use hashflight::scenario::locate::find;
//! let src = "(a: 1, b: (c: [10, 20]))";
//! let span = find(src, &["b", "c", "1"]).unwrap();
//! assert_eq!(&src[span.start..span.end], "20");
//! ```

use std::ops::Range;

/// Where a path led: the byte range of the value, or how far it got.
pub type Span = Range<usize>;

/// The result of a failed look-up: the deepest value reached and the keys
/// it offers (for "did you mean").
#[derive(Debug, Clone, PartialEq)]
pub struct Miss {
    /// How many path segments were found.
    pub matched: usize,
    /// Span of the deepest value found.
    pub span: Span,
    /// Field names (or indices) available at that value.
    pub available: Vec<String>,
}

/// Byte span of the value at `path` in `src`.
pub fn find(src: &str, path: &[&str]) -> Result<Span, Miss> {
    let mut p = Parser {
        src: src.as_bytes(),
        pos: 0,
    };
    p.skip_ws();
    p.skip_attributes();
    p.find_in_value(path, 0)
}

/// Where a dotted `field` (e.g. `miners.0.pool`) stands in `src`, as a
/// 1-based (line, column), and whether the field itself is written there;
/// when it is not, the position of its nearest written ancestor (none if
/// not even the first segment is).
pub fn position(src: &str, field: &str) -> (Option<(usize, usize)>, bool) {
    let segments: Vec<&str> = field.split('.').filter(|s| !s.is_empty()).collect();
    match find(src, &segments) {
        Ok(span) => (Some(line_col(src, span.start)), true),
        Err(miss) if miss.matched > 0 => (Some(line_col(src, miss.span.start)), false),
        Err(_) => (None, false),
    }
}

/// 1-based line and column of a byte offset.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let before = &src[..offset.min(src.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

struct Parser<'a> {
    src: &'a [u8],
    pos: usize,
}

enum Body {
    Fields(Vec<(String, Span)>),
    Items(Vec<Span>),
    Leaf,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        loop {
            match (self.peek(), self.src.get(self.pos + 1).copied()) {
                (Some(c), _) if c.is_ascii_whitespace() => self.pos += 1,
                (Some(b'/'), Some(b'/')) => {
                    while let Some(c) = self.peek() {
                        self.pos += 1;
                        if c == b'\n' {
                            break;
                        }
                    }
                }
                (Some(b'/'), Some(b'*')) => {
                    let mut depth = 0usize;
                    while self.pos < self.src.len() {
                        if self.src[self.pos..].starts_with(b"/*") {
                            depth += 1;
                            self.pos += 2;
                        } else if self.src[self.pos..].starts_with(b"*/") {
                            depth -= 1;
                            self.pos += 2;
                            if depth == 0 {
                                break;
                            }
                        } else {
                            self.pos += 1;
                        }
                    }
                }
                _ => return,
            }
        }
    }

    fn skip_attributes(&mut self) {
        while self.peek() == Some(b'#') {
            while let Some(c) = self.peek() {
                self.pos += 1;
                if c == b']' {
                    break;
                }
            }
            self.skip_ws();
        }
    }

    fn skip_string(&mut self) {
        // At a quote: a normal string with escapes.
        self.pos += 1;
        while let Some(c) = self.peek() {
            self.pos += 1;
            match c {
                b'\\' => self.pos += 1,
                b'"' => return,
                _ => {}
            }
        }
    }

    fn skip_raw_string(&mut self) {
        // At `r`, then hashes, then a quote.
        self.pos += 1;
        let mut hashes = 0;
        while self.peek() == Some(b'#') {
            hashes += 1;
            self.pos += 1;
        }
        self.pos += 1;
        while self.pos < self.src.len() {
            if self.src[self.pos] == b'"'
                && self.src[self.pos + 1..]
                    .iter()
                    .take(hashes)
                    .filter(|&&c| c == b'#')
                    .count()
                    == hashes
            {
                self.pos += 1 + hashes;
                return;
            }
            self.pos += 1;
        }
    }

    fn atom(&mut self) -> Span {
        let start = self.pos;
        match self.peek() {
            Some(b'"') => self.skip_string(),
            Some(b'\'') => {
                self.pos += 1;
                while let Some(c) = self.peek() {
                    self.pos += 1;
                    match c {
                        b'\\' => self.pos += 1,
                        b'\'' => break,
                        _ => {}
                    }
                }
            }
            Some(b'r') if matches!(self.src.get(self.pos + 1), Some(b'"') | Some(b'#')) => {
                self.skip_raw_string()
            }
            Some(b'b') if self.src.get(self.pos + 1) == Some(&b'"') => {
                self.pos += 1;
                self.skip_string()
            }
            _ => {
                while let Some(c) = self.peek() {
                    if c.is_ascii_whitespace() || b"()[]{}:,\"/".contains(&c) {
                        break;
                    }
                    self.pos += 1;
                }
            }
        }
        start..self.pos
    }

    /// Parses one value, returning its span and its children.
    fn value(&mut self) -> (Span, Body) {
        self.skip_ws();
        let start = self.pos;
        let mut body = Body::Leaf;
        match self.peek() {
            Some(b'(') | Some(b'[') | Some(b'{') => body = self.group(),
            None => {}
            _ => {
                let atom = self.atom();
                if atom.is_empty() {
                    // Stray punctuation: step over it so parsing always ends.
                    self.pos += 1;
                }
                let save = self.pos;
                self.skip_ws();
                if self.peek() == Some(b'(') {
                    body = self.group();
                } else {
                    self.pos = save;
                }
            }
        }
        (start..self.pos, body)
    }

    fn group(&mut self) -> Body {
        let open = self.src[self.pos];
        let close = match open {
            b'(' => b')',
            b'[' => b']',
            _ => b'}',
        };
        self.pos += 1;
        let mut fields = Vec::new();
        let mut items = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                None => break,
                Some(c) if c == close => {
                    self.pos += 1;
                    break;
                }
                Some(b',') => {
                    self.pos += 1;
                    continue;
                }
                _ => {}
            }
            let (span, _) = self.value();
            self.skip_ws();
            if self.peek() == Some(b':') {
                self.pos += 1;
                let key = String::from_utf8_lossy(&self.src[span.clone()])
                    .trim_matches('"')
                    .to_string();
                let (vspan, _) = self.value();
                fields.push((key, vspan));
            } else {
                items.push(span);
            }
        }
        if open == b'[' || fields.is_empty() && !items.is_empty() {
            Body::Items(items)
        } else {
            Body::Fields(fields)
        }
    }

    fn find_in_value(&mut self, path: &[&str], depth: usize) -> Result<Span, Miss> {
        let (span, body) = self.value();
        if path.is_empty() {
            return Ok(span);
        }
        let miss = |available| Miss {
            matched: depth,
            span: span.clone(),
            available,
        };
        match body {
            Body::Fields(fields) => match fields.iter().find(|(k, _)| k == path[0]) {
                Some((_, v)) => self.descend(v.start, &path[1..], depth + 1),
                None => Err(miss(fields.into_iter().map(|(k, _)| k).collect())),
            },
            Body::Items(items) => {
                // `Some(x)` and one-field variants are transparent.
                let ident = &self.src[span.start..items.first().map_or(span.start, |s| s.start)];
                if items.len() == 1 && ident.iter().any(|c| c.is_ascii_alphabetic()) {
                    return self.descend(items[0].start, path, depth);
                }
                match path[0].parse::<usize>().ok().and_then(|i| items.get(i)) {
                    Some(item) => self.descend(item.start, &path[1..], depth + 1),
                    None => Err(miss((0..items.len()).map(|i| i.to_string()).collect())),
                }
            }
            Body::Leaf => Err(miss(Vec::new())),
        }
    }

    fn descend(&mut self, at: usize, path: &[&str], depth: usize) -> Result<Span, Miss> {
        self.pos = at;
        self.find_in_value(path, depth)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = r#"#![enable(implicit_some)]
// a comment with (brackets [ and "quotes
(
    name: "x(y)", /* block ( comment */
    price: (model: Gbm(drift: 0.1, vol: 0.5), shocks: []),
    pools: [(name: "A", fee: 2.0), (name: "B", fee: 1.0)],
    opt: Some((a: 1)),
)"#;

    fn at<'a>(path: &[&str]) -> &'a str {
        &SRC[find(SRC, path).unwrap()]
    }

    #[test]
    fn finds_fields_items_and_variants() {
        assert_eq!(at(&["name"]), "\"x(y)\"");
        assert_eq!(at(&["price", "model"]), "Gbm(drift: 0.1, vol: 0.5)");
        assert_eq!(at(&["price", "model", "vol"]), "0.5");
        assert_eq!(at(&["price", "shocks"]), "[]");
        assert_eq!(at(&["pools", "1", "fee"]), "1.0");
        assert_eq!(at(&["opt", "a"]), "1");
    }

    #[test]
    fn reports_what_is_available_on_a_miss() {
        let miss = find(SRC, &["price", "modle"]).unwrap_err();
        assert_eq!(miss.matched, 1);
        assert_eq!(miss.available, vec!["model", "shocks"]);
        let miss = find(SRC, &["pools", "5"]).unwrap_err();
        assert_eq!(miss.available, vec!["0", "1"]);
    }

    #[test]
    fn line_and_column_are_one_based() {
        let span = find(SRC, &["pools"]).unwrap();
        assert_eq!(line_col(SRC, span.start), (6, 12));
    }

    #[test]
    fn garbage_never_loops_or_panics() {
        for src in [
            "",
            "(",
            ")",
            "(a: ",
            "[[[",
            "\"unterminated",
            "r#\"x",
            "(a: b: c:)",
            ":::,,,",
        ] {
            let _ = find(src, &["a", "0"]);
        }
    }
}
