//! Token-level helpers: splitting at top-level punctuation, reading literals, and printing a
//! statement as a person wrote it (for error messages).

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

/// Splits `tokens` at every top-level `sep` (groups are never split: a `;` inside `{ .. }` or
/// `( .. )` stays where it is).
pub fn split(tokens: &[TokenTree], sep: char) -> Vec<Vec<TokenTree>> {
    let mut parts = vec![Vec::new()];
    for t in tokens {
        match t {
            TokenTree::Punct(p) if p.as_char() == sep => parts.push(Vec::new()),
            _ => parts.last_mut().expect("never empty").push(t.clone()),
        }
    }
    parts
}

/// Whether `t` is the punctuation `c`.
pub fn is_punct(t: &TokenTree, c: char) -> bool {
    matches!(t, TokenTree::Punct(p) if p.as_char() == c)
}

/// The identifier's text, lower-cased, if `t` is an identifier.
pub fn ident_lower(t: &TokenTree) -> Option<String> {
    match t {
        TokenTree::Ident(i) => Some(i.to_string().to_ascii_lowercase()),
        _ => None,
    }
}

/// An integer literal's value: decimal, `0x`, `0o`, `0b`, with `_` separators and an optional
/// integer suffix. `None` for anything else (floats, strings, expressions).
pub fn int_literal(t: &TokenTree) -> Option<u64> {
    let TokenTree::Literal(l) = t else {
        return None;
    };
    parse_int(&l.to_string())
}

fn parse_int(text: &str) -> Option<u64> {
    let text = text.replace('_', "");
    let (digits, radix) = match text.get(..2) {
        Some("0x") | Some("0X") => (&text[2..], 16),
        Some("0o") => (&text[2..], 8),
        Some("0b") => (&text[2..], 2),
        _ => (text.as_str(), 10),
    };
    let end = digits
        .find(|c: char| !c.is_digit(radix))
        .unwrap_or(digits.len());
    let (digits, suffix) = digits.split_at(end);
    let suffix_ok = suffix.is_empty()
        || [
            "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize",
        ]
        .contains(&suffix);
    if digits.is_empty() || !suffix_ok {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

/// Whether the literal is written in hexadecimal.
pub fn is_hex_literal(t: &TokenTree) -> bool {
    matches!(t, TokenTree::Literal(l) if l.to_string().starts_with("0x"))
}

/// A float or integer literal's value as f64 (`1.5`, `2`, `1e3`), if `t` is one.
pub fn number_literal(t: &TokenTree) -> Option<f64> {
    let TokenTree::Literal(l) = t else {
        return None;
    };
    let text = l.to_string().replace('_', "");
    let text = text
        .strip_suffix("f64")
        .or_else(|| text.strip_suffix("f32"))
        .unwrap_or(&text);
    if let Some(v) = parse_int(text) {
        return Some(v as f64);
    }
    text.parse::<f64>().ok()
}

/// A signed integer written as a literal, possibly negated: `5`, `-8`, `0x10`.
pub fn signed_literal(tokens: &[TokenTree]) -> Option<i128> {
    match tokens {
        [TokenTree::Group(g)] if g.delimiter() == Delimiter::Parenthesis => {
            let inner: Vec<TokenTree> = g.stream().into_iter().collect();
            signed_literal(&inner)
        }
        [t] => int_literal(t).map(i128::from),
        [minus, t] if is_punct(minus, '-') => int_literal(t).map(|v| -i128::from(v)),
        _ => None,
    }
}

/// Whether the tokens are a plain literal (possibly negated) that dynasm checks at compile time.
pub fn is_literal(tokens: &[TokenTree]) -> bool {
    match tokens {
        [TokenTree::Literal(_)] => true,
        [minus, TokenTree::Literal(_)] => is_punct(minus, '-'),
        _ => false,
    }
}

/// The statement as a person would write it: `add x0, x1, #k`, `ldr x0, [x1, #-8]!`.
pub fn print(tokens: &[TokenTree]) -> String {
    let mut out = String::new();
    print_into(&mut out, tokens);
    out
}

fn print_into(out: &mut String, tokens: &[TokenTree]) {
    for (i, t) in tokens.iter().enumerate() {
        if i > 0 && spaced(&tokens[..i], t) {
            out.push(' ');
        }
        match t {
            TokenTree::Group(g) => {
                // A block expression (`#{ let k = 1; k }`) is spaced as Rust code is; a register
                // list (`{v0.b16, v1.b16}`) is not.
                let block = i > 0 && is_punct(&tokens[i - 1], '#');
                let (open, close) = match g.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::Brace if block => ("{ ", " }"),
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::None => ("", ""),
                };
                out.push_str(open);
                let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                print_into(out, &inner);
                out.push_str(close);
            }
            other => out.push_str(&other.to_string()),
        }
    }
}

/// Whether a space goes between `before` (the tokens so far, never empty) and `next`.
fn spaced(before: &[TokenTree], next: &TokenTree) -> bool {
    let prev = &before[before.len() - 1];
    if let TokenTree::Punct(p) = next {
        if matches!(p.as_char(), ',' | ';' | '.' | ':' | '!') {
            return false;
        }
    }
    if let TokenTree::Group(g) = next {
        // `X(r)`, `v0.s[1]`, `{v0.b16}[1]`: a call or an index sticks to what precedes it,
        // except after the mnemonic.
        let call_or_index = matches!(g.delimiter(), Delimiter::Parenthesis | Delimiter::Bracket)
            && matches!(prev, TokenTree::Ident(_) | TokenTree::Group(_));
        if call_or_index && before.len() > 1 {
            return false;
        }
    }
    match prev {
        TokenTree::Punct(p) if p.spacing() == Spacing::Joint => false,
        TokenTree::Punct(p) => match p.as_char() {
            '#' | '.' => false,
            // A prefix: `#-8`, `, -1`, `b >label`, `=>label`.
            '-' | '>' | '<' => before.len() == 1 || prefix_position(&before[..before.len() - 1]),
            _ => true,
        },
        _ => true,
    }
}

/// Whether an operator after these tokens is a prefix (unary minus, a label reference).
fn prefix_position(before: &[TokenTree]) -> bool {
    match before.last() {
        None => true,
        Some(TokenTree::Punct(p)) => matches!(p.as_char(), '#' | ',' | '=' | '-'),
        Some(TokenTree::Ident(_)) => before.len() == 1,
        _ => false,
    }
}

/// Tokens to a stream.
pub fn stream(tokens: &[TokenTree]) -> TokenStream {
    tokens.iter().cloned().collect()
}
